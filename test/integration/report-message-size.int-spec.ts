import { jsonOf, ReportAmqpClient, reportRequest, reportTestEnv, reportTestQueues, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

/** REPORT_MAX_MESSAGE_BYTES against the real broker: a larger request is refused before it is parsed. */
describe('report worker: a request message over the size limit', () => {
  const LIMIT = 4096;
  const env = reportTestEnv('report_size', { REPORT_MAX_MESSAGE_BYTES: String(LIMIT) });
  const requests = env.RABBITMQ_REQUEST_QUEUE;
  const dlq = `${requests}_dlq`;
  let app: INestApplication;
  let amqp: ReportAmqpClient;
  let responses: ConsumeMessage[];

  beforeAll(async () => {
    Object.assign(process.env, env);
    app = await startReportWorker();
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  afterAll(async () => {
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
  });

  it('dead-letters it once with the reason, unparsed (its ids unknown), answers failed, and goes on consuming', async () => {
    const big = reportRequest({ assessment: { summary: 'x'.repeat(2 * LIMIT) } });
    await amqp.publish(requests, big);

    const failed = await waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.status === 'failed'), {
      description: 'failed answer',
    });
    // Parsed, the answer would carry the request's id; unparsed, the worker never learnt it.
    expect(failed).toMatchObject({ request_id: '', user_id: '' });
    expect(failed.error_message).toMatch(
      new RegExp(`^invalid request: body: \\d+ bytes, more than the ${LIMIT} allowed \\(not parsed\\)$`),
    );
    await waitFor(async () => (await amqp.messageCount(dlq)) === 1, { description: 'one DLQ entry' });
    const dead = await amqp.takeOne(dlq);
    expect(dead?.properties.headers?.['x-dead-letter-reason']).toBe(failed.error_message);

    const next = reportRequest();
    await amqp.publish(requests, next);
    const answer = await waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.request_id === next.request_id), {
      description: 'next answer',
    });
    expect(answer.status).toBe('success');
    expect(responses.map((m) => jsonOf(m).request_id)).not.toContain(big.request_id);
    expect(await amqp.messageCount(dlq)).toBe(0);
  });
});
