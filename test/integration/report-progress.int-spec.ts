import { REPORT_PATTERNS, REPORT_PROGRESS_TYPE, ReportProgress } from '@app/contracts';
import {
  asReader,
  FakeOpenAiServer,
  jsonOf,
  openStoredReport,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  specBrokerUser,
  waitFor,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { KnowledgeBaseRepository } from '@app/mongo';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { parseKnowledgeBaseFile } from '../../apps/report-worker/src/knowledge-base/knowledge-base-file.parser';
import { startReportWorker } from '../support/report-worker.app';

const SAMPLE_KB = join(__dirname, '../../data/knowledge-base/sample.json');

type Reply = ReportProgress | { request_id: string; status: string; report_id: string; generator?: string };

const isProgress = (reply: Reply): reply is ReportProgress => reply.status === 'in_progress';

/** Each section (category and body) as the progress deltas, joined in sequence order, tell it. */
function sectionsOf(progress: ReportProgress[]): Array<{ category: string; body: string }> {
  const sections: Array<{ category: string; body: string }> = [];
  for (const value of [...progress].sort((a, b) => a.sequence - b.sequence)) {
    sections[value.section_index] ??= { category: value.section, body: '' };
    sections[value.section_index].body += value.text_delta;
  }
  return sections;
}

/** One report worker (with the LLM or without) and the clients that talk to it. */
function workerUnderTest(prefix: string, overrides: Record<string, string> = {}) {
  const env = reportTestEnv(prefix, { REPORT_READERS: `${specBrokerUser}:*`, ...overrides });
  const state = {} as {
    app: INestApplication;
    amqp: ReportAmqpClient;
    client: ClientProxy;
    responses: ConsumeMessage[];
  };
  const setUp = async () => {
    Object.assign(process.env, env);
    state.app = await startReportWorker();
    state.amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    state.responses = await state.amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
    state.client = ClientProxyFactory.create({
      transport: Transport.RMQ,
      options: { urls: [env.RABBITMQ_URL], queue: env.RABBITMQ_REQUEST_QUEUE, noAssert: true },
    });
    await state.client.connect();
  };
  const tearDown = async () => {
    await state.client?.close();
    await state.app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await state.app?.close();
    await state.amqp?.deleteQueues(reportTestQueues(env));
    await state.amqp?.close();
  };
  /** Everything a Nest send() caller receives, in order. */
  const sendAll = (request: unknown) =>
    lastValueFrom(state.client.send<Reply>(REPORT_PATTERNS.generate, request).pipe(toArray()));
  const storedSections = async (reportId: string) => {
    const stored = await state.app
      .get<Connection>(getConnectionToken())
      .collection('medical_reports')
      .findOne({ report_id: reportId });
    const sections = openStoredReport(stored as never).report_data.sections as Array<{
      category: string;
      body: string;
    }>;
    return sections.map(({ category, body }) => ({ category, body }));
  };
  return { env, state, setUp, tearDown, sendAll, storedSections };
}

/** A worker writing with the fake LLM, started, with the sample knowledge base (the fake writes a section per entry). */
async function llmWorkerUnderTest(prefix: string, llm: FakeOpenAiServer) {
  await llm.start();
  const worker = workerUnderTest(prefix, {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_TIMEOUT_MS: '10000',
  });
  await worker.setUp();
  await worker.state.app
    .get(KnowledgeBaseRepository)
    .upsertMany(parseKnowledgeBaseFile(readFileSync(SAMPLE_KB, 'utf8')));
  return worker;
}

describe('report progress while the LLM streams (real RabbitMQ, Redis, FerretDB; the real openai SDK)', () => {
  const llm = new FakeOpenAiServer();
  let worker: ReturnType<typeof workerUnderTest>;

  beforeAll(async () => (worker = await llmWorkerUnderTest('report_progress', llm)));
  beforeEach(() => llm.reset().setChunking(6, 4)); // about 100 pieces, 4 ms apart
  afterAll(async () => {
    await worker?.tearDown();
    await llm.stop();
  });

  it('sends a Nest send() caller the text of each section as it is written, then the final response', async () => {
    const request = reportRequest();
    const replies = await worker.sendAll(request);
    const final = replies[replies.length - 1];
    const progress = replies.slice(0, -1);
    expect(final).toMatchObject({ request_id: request.request_id, status: 'success', generator: 'llm' });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every(isProgress)).toBe(true);
    expect((progress as ReportProgress[]).map((value) => value.sequence)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.every((value) => value.request_id === request.request_id)).toBe(true);
    const sections = await worker.storedSections((final as { report_id: string }).report_id);
    expect(sections.length).toBeGreaterThan(1);
    expect(sectionsOf(progress as ReportProgress[])).toEqual(sections);
  });

  it('sends a plain AMQP caller with reply_to the same values as messages of type report.progress', async () => {
    const { amqp } = worker.state;
    const replyQueue = (await amqp.channel.assertQueue('', { exclusive: true })).queue;
    const received = await amqp.collect(replyQueue);
    const request = reportRequest();
    await amqp.publish(
      worker.env.RABBITMQ_REQUEST_QUEUE,
      { pattern: REPORT_PATTERNS.generate, data: request },
      { replyTo: replyQueue, correlationId: 'plain-1' },
    );
    await waitFor(() => received.some((message) => jsonOf(message).isDisposed), { description: 'the final answer' });
    const progress = received.filter((message) => message.properties.type === REPORT_PROGRESS_TYPE);
    const final = received[received.length - 1];
    expect(progress.length).toBe(received.length - 1);
    expect(progress.length).toBeGreaterThan(1);
    for (const message of received) expect(message.properties.correlationId).toBe('plain-1');
    expect(progress.map((message) => jsonOf(message).isDisposed)).toEqual(progress.map(() => false));
    expect(jsonOf(progress[0]).response).toMatchObject({
      request_id: request.request_id,
      status: 'in_progress',
      sequence: 1,
    });
    expect(jsonOf(final)).toMatchObject({
      isDisposed: true,
      response: { request_id: request.request_id, status: 'success' },
    });
  });

  it('sends emit() and queue-only callers only the final response', async () => {
    const { amqp, client, responses } = worker.state;
    const emitted = reportRequest();
    const raw = reportRequest();
    await lastValueFrom(client.emit(REPORT_PATTERNS.generate, emitted));
    await amqp.publish(worker.env.RABBITMQ_REQUEST_QUEUE, raw);
    for (const request of [emitted, raw]) {
      await waitFor(() => responses.some((message) => jsonOf(message).request_id === request.request_id));
    }
    const theirs = responses.filter((message) =>
      [emitted.request_id, raw.request_id].includes(jsonOf(message).request_id),
    );
    expect(theirs.map((message) => [jsonOf(message).status, message.properties.type])).toEqual([
      ['success', 'report.success'],
      ['success', 'report.success'],
    ]);
  });

  it('answers and stores the same report whether the LLM streams or answers whole', async () => {
    const streamedRequest = reportRequest();
    const streamed = (await worker.sendAll(streamedRequest)).pop()!;
    llm.answerWhole();
    const wholeRequest = reportRequest({ user_id: `${streamedRequest.user_id}-b` });
    const whole = await worker.sendAll(wholeRequest);
    expect(whole).toHaveLength(1); // no stream, no progress
    const shape = ({ status, generator, reused, error_message }: any) => ({ status, generator, reused, error_message });
    expect(shape(whole[0])).toEqual(shape(streamed));
    expect(await worker.storedSections((whole[0] as { report_id: string }).report_id)).toEqual(
      await worker.storedSections((streamed as { report_id: string }).report_id),
    );
  });

  it('retries a stream the LLM drops halfway, and the caller still gets one final response', async () => {
    llm.failMidStream('drop');
    const request = reportRequest();
    const replies = lastValueFrom(worker.state.client.send<Reply>(REPORT_PATTERNS.generate, request).pipe(toArray()));
    await waitFor(() => llm.calls >= 1, { description: 'the first call' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    llm.reset().setChunking(6, 4);
    const all = await replies;
    const finals = all.filter((reply) => !isProgress(reply));
    expect(finals).toEqual([expect.objectContaining({ request_id: request.request_id, status: 'success' })]);
    expect(all[all.length - 1]).toBe(finals[0]);
  });

  it('answers a report.get for the streamed report like any other', async () => {
    const request = reportRequest();
    const final = (await worker.sendAll(request)).pop() as { report_id: string };
    const got = await lastValueFrom(
      worker.state.client.send(REPORT_PATTERNS.get, asReader({ report_id: final.report_id })),
    );
    expect(got).toMatchObject({ found: true, report: { report_id: final.report_id } });
  });
});

describe('report progress with the deterministic writer (real RabbitMQ, Redis, FerretDB)', () => {
  const worker = workerUnderTest('report_progress_det');
  beforeAll(() => worker.setUp());
  afterAll(() => worker.tearDown());

  it('sends one progress value per section, then the final response', async () => {
    const request = reportRequest();
    const replies = await worker.sendAll(request);
    const final = replies.pop() as { report_id: string; generator: string };
    expect(final.generator).toBe('deterministic');
    const sections = await worker.storedSections(final.report_id);
    expect(replies).toEqual(
      sections.map(({ category, body }, index) => ({
        request_id: request.request_id,
        status: 'in_progress',
        section: category,
        section_index: index,
        text_delta: body,
        sequence: index + 1,
      })),
    );
  });

  it('sends none when the answer comes from the ledger (the same request_id again)', async () => {
    const request = reportRequest();
    await worker.sendAll(request);
    const again = await worker.sendAll(request);
    expect(again).toEqual([expect.objectContaining({ status: 'success', reused: true, reused_by: 'request_id' })]);
  });
});

describe('report progress and shutdown (real RabbitMQ, Redis, FerretDB)', () => {
  const llm = new FakeOpenAiServer();
  let worker: ReturnType<typeof workerUnderTest>;

  beforeAll(async () => (worker = await llmWorkerUnderTest('report_progress_drain', llm)));
  afterAll(async () => {
    await worker?.tearDown();
    await llm.stop();
  });

  it('waits, when closed mid-stream, for the request to finish: the caller gets its final response', async () => {
    llm.setChunking(6, 8); // about 2 s of streaming
    const request = reportRequest();
    const replies = worker.sendAll(request);
    await waitFor(() => llm.calls === 1, { description: 'the LLM call' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await worker.state.app.close();
    const all = await replies;
    expect(all.length).toBeGreaterThan(2);
    expect(all[all.length - 1]).toMatchObject({ request_id: request.request_id, status: 'success' });
  }, 30_000);
});
