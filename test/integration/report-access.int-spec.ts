import { REPORT_PATTERNS, signReportMessage } from '@app/contracts';
import { AuditEventsRepository } from '@app/mongo';
import {
  BrokerUsers,
  jsonOf,
  spawnApp,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  uniqueName,
  waitFor,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';
import { ReportQueryClient } from '../../apps/report-worker/src/operator/report-query.client';
import { startReportWorker } from '../support/report-worker.app';

/**
 * Reads and deletes are not open to every publisher: a query needs a caller the broker or a
 * signature vouches for and that REPORT_READERS lists, sees only the users its pattern matches,
 * and is answered only on the caller's own reply queue; every access leaves an audit record.
 */
describe('report access (real RabbitMQ with broker users, FerretDB)', () => {
  jest.setTimeout(90_000);
  const users = new BrokerUsers();
  const readerName = uniqueName('reader');
  const producerName = uniqueName('producer');
  const portalKey = randomBytes(32).toString('base64');
  const env = reportTestEnv('report_access', {
    REPORT_READERS: `${readerName}:clinic-a-*,portal:*`,
    REPORT_SIGNING_KEYS: `portal:${portalKey}`,
  });
  const requests = env.RABBITMQ_REQUEST_QUEUE;
  let app: INestApplication;
  let readerUrl: string;
  let producerUrl: string;
  let producer: ReportAmqpClient;
  let replies: { queue: string; messages: ConsumeMessage[] };

  const ask = (url: string, pattern: string, data: unknown) =>
    new ReportQueryClient(url, requests).ask(pattern, data, 20_000) as Promise<any>;
  const generate = async (userId: string) => {
    const request = reportRequest({ user_id: userId });
    const id = randomUUID();
    await producer.publish(
      requests,
      { pattern: REPORT_PATTERNS.generate, data: request, id },
      { replyTo: replies.queue, correlationId: id, userId: producerName },
    );
    // Progress values come first (isDisposed false); the answer is the last.
    const answer = await waitFor(
      () => replies.messages.find((m) => m.properties.correlationId === id && jsonOf(m).isDisposed),
      { description: `answer to ${request.request_id}` },
    );
    return { request, response: jsonOf(answer).response };
  };
  /** A query published by hand: its answer (Nest's envelope) on `replyTo`, if any arrives. */
  const rawQuery = async (
    pattern: string,
    data: unknown,
    options: { replyTo?: string; headers?: Record<string, unknown>; body?: Buffer } = {},
  ) => {
    const id = randomUUID();
    const body = options.body ?? Buffer.from(JSON.stringify({ pattern, data, id }));
    await producer.publish(requests, body, {
      replyTo: options.replyTo ?? replies.queue,
      correlationId: id,
      headers: options.headers,
    });
    return id;
  };
  const answerTo = (id: string) =>
    waitFor(() => replies.messages.find((m) => m.properties.correlationId === id), {
      description: `answer ${id}`,
    }).then((m) => jsonOf(m).response);
  const trail = () => app.get(AuditEventsRepository);

  beforeAll(async () => {
    readerUrl = await users.create(readerName);
    producerUrl = await users.create(producerName);
    Object.assign(process.env, env);
    app = await startReportWorker();
    producer = await new ReportAmqpClient().connect(producerUrl);
    const own = await producer.channel.assertQueue('', { exclusive: true });
    replies = { queue: own.queue, messages: await producer.collect(own.queue) };
  });

  afterAll(async () => {
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    await producer?.deleteQueues(reportTestQueues(env));
    await producer?.close();
    await users.removeAll();
  });

  it('lets a producer generate, but not get, list, status or delete, naming or not naming itself', async () => {
    const { request, response } = await generate('clinic-a-1');
    expect(response).toMatchObject({ status: 'success' });
    for (const [pattern, data] of [
      [REPORT_PATTERNS.get, { report_id: response.report_id }],
      [REPORT_PATTERNS.list, { user_id: request.user_id }],
      [REPORT_PATTERNS.status, { request_id: request.request_id }],
      [REPORT_PATTERNS.delete, { report_id: response.report_id }],
    ] as const) {
      expect(await ask(producerUrl, pattern, data)).toMatchObject({
        error: 'forbidden',
        message: expect.stringContaining(`broker user ${producerName} is not allowed`),
      });
      expect(await answerTo(await rawQuery(pattern, data))).toMatchObject({
        error: 'forbidden',
        message: expect.stringContaining('names no broker user'),
      });
    }
    expect(await ask(readerUrl, REPORT_PATTERNS.get, { report_id: response.report_id })).toMatchObject({ found: true });
    const refused = (await trail().find({}, 1000)).filter((e) => e.outcome === 'forbidden' && e.actor === producerName);
    expect(refused.map((e) => e.action).sort()).toEqual([
      'report.delete',
      'report.get',
      'report.list',
      'report.status',
    ]);
  });

  it("cannot pass for a reader: the broker refuses a user_id property that is not the connection's login", async () => {
    const impostor = await new ReportAmqpClient().connect(producerUrl);
    const closed = new Promise<Error>((resolve) => impostor.channel.once('error', resolve));
    impostor.channel.sendToQueue(
      requests,
      Buffer.from(JSON.stringify({ pattern: REPORT_PATTERNS.list, data: { user_id: 'clinic-a-1' }, id: 'x' })),
      { userId: readerName },
    );
    expect((await closed).message).toMatch(/PRECONDITION_FAILED.*user_id/);
    await impostor.close();
  });

  it('shows a reader only the users its pattern matches', async () => {
    const mine = await generate('clinic-a-2');
    const theirs = await generate('clinic-b-1');
    expect(await ask(readerUrl, REPORT_PATTERNS.get, { report_id: mine.response.report_id })).toMatchObject({
      found: true,
      report: { user_id: 'clinic-a-2' },
    });
    expect(await ask(readerUrl, REPORT_PATTERNS.get, { report_id: theirs.response.report_id })).toEqual({
      report_id: theirs.response.report_id,
      found: false,
    });
    expect(await ask(readerUrl, REPORT_PATTERNS.status, { request_id: theirs.request.request_id })).toMatchObject({
      found: false,
    });
    expect(await ask(readerUrl, REPORT_PATTERNS.list, { user_id: 'clinic-b-1' })).toMatchObject({ error: 'forbidden' });
    expect(await ask(readerUrl, REPORT_PATTERNS.delete, { report_id: theirs.response.report_id })).toEqual({
      report_id: theirs.response.report_id,
      deleted: false,
    });
    expect(await ask(readerUrl, REPORT_PATTERNS.list, { user_id: 'clinic-a-2' })).toMatchObject({ total: 1 });
    expect(await ask(readerUrl, REPORT_PATTERNS.delete, { report_id: mine.response.report_id })).toEqual({
      report_id: mine.response.report_id,
      deleted: true,
    });
    // The report of clinic-b is still there for a reader that may see it.
    const body = Buffer.from(
      JSON.stringify({
        pattern: REPORT_PATTERNS.get,
        data: { report_id: theirs.response.report_id },
        id: randomUUID(),
      }),
    );
    expect(
      await answerTo(await rawQuery('', undefined, { body, headers: signReportMessage(body, 'portal', portalKey) })),
    ).toMatchObject({ found: true });
  });

  it('takes a signing client as a reader only with a matching, fresh signature', async () => {
    const { response } = await generate('clinic-c-1');
    const packet = (id: string) =>
      Buffer.from(JSON.stringify({ pattern: REPORT_PATTERNS.get, data: { report_id: response.report_id }, id }));
    const signedFor = (body: Buffer, when = new Date()) => signReportMessage(body, 'portal', portalKey, when);
    const good = packet(randomUUID());
    expect(await answerTo(await rawQuery('', undefined, { body: good, headers: signedFor(good) }))).toMatchObject({
      found: true,
    });
    const altered = packet(randomUUID());
    expect(
      await answerTo(await rawQuery('', undefined, { body: altered, headers: signedFor(packet('other')) })),
    ).toMatchObject({ error: 'forbidden', message: expect.stringContaining('does not match') });
    const stale = packet(randomUUID());
    expect(
      await answerTo(
        await rawQuery('', undefined, { body: stale, headers: signedFor(stale, new Date(Date.now() - 3_600_000)) }),
      ),
    ).toMatchObject({ error: 'forbidden', message: expect.stringContaining('expired') });
    const unknown = packet(randomUUID());
    const byStranger = signReportMessage(unknown, 'stranger', randomBytes(32).toString('base64'));
    expect(await answerTo(await rawQuery('', undefined, { body: unknown, headers: byStranger }))).toMatchObject({
      error: 'forbidden',
      message: expect.stringContaining('no key here'),
    });
  });

  it("answers only on the caller's own reply queue: never into a shared queue", async () => {
    const { response } = await generate('clinic-a-3');
    const shared = uniqueName('shared_replies');
    await producer.channel.assertQueue(shared, { durable: false, autoDelete: true });
    const stolen = await producer.collect(shared);
    const signedBody = Buffer.from(
      JSON.stringify({ pattern: REPORT_PATTERNS.get, data: { report_id: response.report_id }, id: 'to-shared' }),
    );
    await rawQuery('', undefined, {
      body: signedBody,
      headers: signReportMessage(signedBody, 'portal', portalKey),
      replyTo: shared,
    });
    // The same query to the caller's exclusive queue is answered, so the first one has been handled by now.
    const ownBody = Buffer.from(
      JSON.stringify({ pattern: REPORT_PATTERNS.get, data: { report_id: response.report_id }, id: 'to-own' }),
    );
    const own = await rawQuery('', undefined, {
      body: ownBody,
      headers: signReportMessage(ownBody, 'portal', portalKey),
    });
    expect(await answerTo(own)).toMatchObject({ found: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stolen).toHaveLength(0);
  });

  it('gives operators `npm run reports`: a reader gets and audits, a producer is refused with exit 3', async () => {
    const { response } = await generate('clinic-a-5');
    const reports = (url: string, ...args: string[]) =>
      spawnApp(
        'apps/report-worker/src/operator/reports.command.ts',
        { ...env, RABBITMQ_URL: url, LOG_LEVEL: 'error' },
        args,
      );
    const got = reports(readerUrl, 'get', response.report_id);
    expect(await got.exited).toBe(0);
    expect(JSON.parse(got.output().slice(got.output().indexOf('{')))).toMatchObject({
      found: true,
      report: { user_id: 'clinic-a-5' },
    });
    const refused = reports(producerUrl, 'list', 'clinic-a-5');
    expect(await refused.exited).toBe(3);
    expect(refused.output()).toContain('"error": "forbidden"');
    const audit = reports(readerUrl, 'audit', '--report', response.report_id);
    expect(await audit.exited).toBe(0);
    const trail = JSON.parse(audit.output().slice(audit.output().indexOf('{')));
    expect(trail.events.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor}`)).toEqual([
      `report.get by ${readerName}`,
      `report.generate by ${producerName}`,
    ]);
    const usage = reports(readerUrl, 'purge');
    expect(await usage.exited).toBe(64);
  });

  it('keeps an audit record of every generate, get, list and delete, by report and by user, without health data', async () => {
    const { request, response } = await generate('clinic-a-4');
    await ask(readerUrl, REPORT_PATTERNS.get, { report_id: response.report_id });
    await ask(readerUrl, REPORT_PATTERNS.list, { user_id: 'clinic-a-4' });
    await ask(readerUrl, REPORT_PATTERNS.delete, { report_id: response.report_id });
    const byReport = await trail().find({ report_id: response.report_id }, 100);
    expect(byReport.map((e) => [e.action, e.outcome, e.actor]).reverse()).toEqual([
      ['report.generate', 'generated', producerName],
      ['report.get', 'found', readerName],
      ['report.delete', 'deleted', readerName],
    ]);
    const byUser = await trail().find({ user_id: 'clinic-a-4' }, 100);
    expect(byUser.map((e) => e.action)).toEqual(
      expect.arrayContaining(['report.generate', 'report.get', 'report.list', 'report.delete']),
    );
    expect(byUser.every((e) => e.at instanceof Date)).toBe(true);
    expect(JSON.stringify(byUser)).not.toMatch(new RegExp(`${request.assessment.summary}|cholesterol|hypertension`));
  });
});
