import { jsonOf, reportRequest, waitFor } from '@app/testing';
import { waitUntilReady } from './support/app.process';
import { Drill, DrillResult } from './support/drill-result';
import { PATIENT_MARKER, ReportHarness } from './support/report.harness';

const ROUNDS = 3;
const NORMAL_PER_ROUND = Number(process.env.DRILL_REQUEST_ID_REPORTS ?? 200);
/** AMQP short strings (correlation_id, message_id) hold at most 255 bytes. */
const SHORT_STRING_BYTES = 255;

/** 150 two-byte characters (300 bytes of UTF-8, within the contract's 200 characters): a valid request_id that cannot be a correlation id. */
function longValidId(round: number): string {
  const id = `${'é'.repeat(147)}${String.fromCharCode(0x0410 + round).repeat(3)}`;
  if (id.length !== 150 || Buffer.byteLength(id) !== 300)
    throw new Error('long valid request_id is not 150 characters / 300 bytes');
  return id;
}

/** 300 ASCII characters: longer than the contract's 200, so the request is invalid. */
function longInvalidId(round: number): string {
  return `r${round}-`.padEnd(300, 'x');
}

interface Answer {
  status: string;
  correlationId?: string;
}

/**
 * request_ids of 300 bytes mixed into normal report load: a valid one of 150 two-byte characters
 * (answered success, but with no correlation id: it does not fit an AMQP short string) and an
 * invalid one of 300 ASCII characters (answered failed, dead-lettered once). The worker's channel
 * must survive them: every request is answered exactly once and every normal request published
 * after an over-long one is answered too.
 */
export const requestIdBytesDrill: Drill = {
  name: 'request-id-bytes',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const harness = await new ReportHarness('reqidbytes').open(200);
    const answers = new Map<string, Answer[]>();
    try {
      const worker = await harness.addWorker();
      await waitUntilReady(worker);
      // The responses are read here (not through the harness) to see each one's correlation id.
      await harness.amqp.channel.consume(
        harness.responseQueue,
        (message) => {
          if (!message) return;
          const body = jsonOf(message);
          const list = answers.get(body.request_id) ?? [];
          list.push({ status: body.status, correlationId: message.properties.correlationId });
          answers.set(body.request_id, list);
          const bodies = harness.responses.get(body.request_id) ?? [];
          bodies.push(body);
          harness.responses.set(body.request_id, bodies);
        },
        { noAck: true },
      );

      const normal: string[] = [];
      const normalAfterLong: string[] = [];
      const validLong: string[] = [];
      const invalidLong: Array<{ requestId: string; messageId: string }> = [];
      const requestOf = (requestId: string) => ({
        ...reportRequest({ patient: { age: 41, sex: 'female', name: PATIENT_MARKER } }),
        request_id: requestId,
      });
      for (let round = 0; round < ROUNDS; round++) {
        const batch: Array<{ id: string; body: Buffer }> = [];
        for (let i = 0; i < NORMAL_PER_ROUND; i++) {
          if (i === NORMAL_PER_ROUND / 2) {
            const valid = requestOf(longValidId(round));
            const invalid = requestOf(longInvalidId(round));
            validLong.push(valid.request_id);
            invalidLong.push({ requestId: invalid.request_id, messageId: `reqidbytes-invalid-${round}` });
            batch.push({ id: `reqidbytes-valid-${round}`, body: Buffer.from(JSON.stringify(valid)) });
            batch.push({ id: `reqidbytes-invalid-${round}`, body: Buffer.from(JSON.stringify(invalid)) });
          }
          const request = requestOf(reportRequest().request_id as string);
          normal.push(request.request_id);
          if (i >= NORMAL_PER_ROUND / 2) normalAfterLong.push(request.request_id);
          batch.push({ id: `reqidbytes-${round}-${i}`, body: Buffer.from(JSON.stringify(request)) });
        }
        harness.sentIds.push(...batch.map((m) => (JSON.parse(m.body.toString()) as { request_id: string }).request_id));
        await harness.publishRaw(batch);
      }
      const sent = harness.sentIds.length;
      await waitFor(() => harness.sentIds.every((id) => answers.has(id)), {
        timeoutMs: 300_000,
        intervalMs: 250,
        description: 'every request answered',
      }).catch(() => undefined);
      // Late duplicates and the dead letters (written after the answer) get a moment to arrive.
      await waitFor(async () => (await harness.amqp.messageCount(harness.dlq)) >= ROUNDS, {
        timeoutMs: 30_000,
        intervalMs: 250,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 3000));

      const count = await harness.count();
      const dlqIds = await harness.dlqMessageIds();
      const once = (id: string) => answers.get(id)?.length === 1;
      const unanswered = harness.sentIds.filter((id) => !answers.has(id)).length;
      const answeredTwice = harness.sentIds.filter((id) => (answers.get(id)?.length ?? 0) > 1).length;
      const overLong = [...validLong, ...invalidLong.map((r) => r.requestId)];
      const overLongWithCorrelation = overLong.filter((id) =>
        answers.get(id)?.some((a) => a.correlationId !== undefined),
      ).length;
      const normalCorrelated = normal.filter((id) => answers.get(id)?.every((a) => a.correlationId === id)).length;
      const success = (id: string) => answers.get(id)?.[0]?.status === 'success';
      const validSucceeded = [...normal, ...validLong].filter(success).length;
      const invalidFailed = invalidLong.filter((r) => answers.get(r.requestId)?.[0]?.status === 'failed').length;
      const invalidDeadLetteredOnce = invalidLong.filter((r) => dlqIds.get(r.messageId) === 1).length;
      const otherDeadLetters = [...dlqIds]
        .filter(([id]) => !invalidLong.some((r) => r.messageId === id))
        .reduce((n, [, copies]) => n + copies, 0);
      const deadLettered = [...dlqIds.values()].reduce((n, copies) => n + copies, 0);
      const validCount = normal.length + validLong.length;
      const lost = validCount - validSucceeded + invalidLong.filter((r) => !answers.has(r.requestId)).length;
      return {
        drill: 'request-id-bytes',
        load: `${ROUNDS} × (${NORMAL_PER_ROUND} normal report requests + 1 valid request_id of 150 two-byte characters (300 bytes) + 1 invalid of 300 ASCII), 1 worker, fake LLM 200 ms`,
        fault: 'request_id of 300 bytes (over the 255-byte AMQP short string) mid-batch',
        sent,
        confirmed: harness.published.confirmed,
        stored: count.stored,
        duplicates: count.storedTwice,
        lost,
        deadLettered,
        recovery: `${normalAfterLong.filter(success).length}/${normalAfterLong.length} normal requests after an over-long one answered success`,
        checks: {
          'every request confirmed by the broker': harness.published.confirmed === sent,
          'every request answered exactly once': unanswered === 0 && answeredTwice === 0 && harness.sentIds.every(once),
          'over-long request_ids answered without a correlation id':
            overLong.every((id) => answers.has(id)) && overLongWithCorrelation === 0,
          'normal requests answered with request_id as correlation id': normalCorrelated === normal.length,
          'every valid request (normal and 150 × 2 bytes) answered success, stored once':
            validSucceeded === validCount &&
            count.storedTwice === 0 &&
            count.stored === validCount &&
            count.missing === invalidLong.length,
          'every normal request after an over-long one answered success': normalAfterLong.every(success),
          'invalid (300 ASCII) answered failed, dead-lettered exactly once':
            invalidFailed === ROUNDS && invalidDeadLetteredOnce === ROUNDS,
          'nothing else dead-lettered': otherDeadLetters === 0,
        },
        notes: [
          `${unanswered} unanswered, ${answeredTwice} answered more than once; over-long answered: ${overLong.filter((id) => answers.has(id)).length}/${overLong.length}, with a correlation id: ${overLongWithCorrelation}`,
          `valid long: ${validLong.filter(success).length}/${ROUNDS} success; invalid long: ${invalidFailed}/${ROUNDS} failed, ${invalidDeadLetteredOnce}/${ROUNDS} in the DLQ once; other dead letters: ${otherDeadLetters}`,
          `request_id bytes: valid ${Buffer.byteLength(validLong[0])} (${validLong[0].length} characters), invalid ${Buffer.byteLength(invalidLong[0].requestId)}; correlation id limit ${SHORT_STRING_BYTES} bytes`,
        ],
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await harness.close();
    }
  },
};
