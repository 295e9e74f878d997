import { REPORT_PATTERNS, REPORT_PRIORITY } from '@app/contracts';
import {
  asReader,
  jsonOf,
  openStoredReport,
  specBrokerUser,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  waitFor,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, RmqRecordBuilder, Transport } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { startReportWorker } from '../support/report-worker.app';

/** Every kind of client, validation and dead letters, the query patterns. */
describe('report worker transport (real RabbitMQ, Redis, FerretDB)', () => {
  const env = reportTestEnv('report_transport', { REPORT_READERS: `${specBrokerUser}:*` });
  const requests = env.RABBITMQ_REQUEST_QUEUE;
  const dlq = `${requests}_dlq`;
  let app: INestApplication;
  let amqp: ReportAmqpClient;
  let client: ClientProxy;
  let responses: ConsumeMessage[];

  const responseFor = (requestId: string) =>
    waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.request_id === requestId), {
      description: `response to ${requestId}`,
    });

  beforeAll(async () => {
    Object.assign(process.env, env);
    app = await startReportWorker();
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
    // The settings a Nest client needs: noAssert, since the worker declares the queue (a quorum queue with a delivery limit).
    client = ClientProxyFactory.create({
      transport: Transport.RMQ,
      options: { urls: [env.RABBITMQ_URL], queue: requests, noAssert: true },
    });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
  });

  it('answers a raw seed-format request published like pika on the response queue, and stores the report', async () => {
    const request = reportRequest();
    await amqp.publish(requests, request);
    const response = await responseFor(request.request_id);
    expect(response).toMatchObject({
      request_id: request.request_id,
      user_id: request.user_id,
      status: 'success',
      error_message: null,
    });
    expect(response.report_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.generator).toBe('deterministic');
    const reports = app.get<Connection>(getConnectionToken()).collection('medical_reports');
    const stored = await reports.findOne({ report_id: response.report_id });
    expect(stored).toMatchObject({ user_id: request.user_id, generator: 'deterministic', tokens_used: 0 });
    expect(openStoredReport(stored as never).markdown_content).toContain('Not written by an AI model');
    expect(
      await app.get<Connection>(getConnectionToken()).collection('users').countDocuments({ user_id: request.user_id }),
    ).toBe(1);
  });

  it('answers a Nest send() through replyTo/correlationId', async () => {
    const request = reportRequest();
    const response = await lastValueFrom(client.send(REPORT_PATTERNS.generate, request));
    expect(response).toMatchObject({ request_id: request.request_id, status: 'success' });
    expect(responses.map((m) => jsonOf(m).request_id)).not.toContain(request.request_id);
  });

  it('answers a Nest emit() on the response queue', async () => {
    const request = reportRequest();
    await firstValueFrom(client.emit(REPORT_PATTERNS.generate, request));
    expect(await responseFor(request.request_id)).toMatchObject({ status: 'success' });
  });

  it('dead-letters invalid JSON once, answers failed, and keeps consuming', async () => {
    await amqp.publish(requests, '{"request_id": "broken", ');
    const failed = await waitFor(() =>
      responses.map((m) => jsonOf(m)).find((r) => r.status === 'failed' && r.request_id === ''),
    );
    expect(failed.error_message).toContain('not valid JSON');
    await waitFor(async () => (await amqp.messageCount(dlq)) === 1, { description: 'one DLQ entry' });
    const next = reportRequest();
    await amqp.publish(requests, next);
    expect(await responseFor(next.request_id)).toMatchObject({ status: 'success' });
    expect(await amqp.messageCount(dlq)).toBe(1);
  });

  it('names the bad fields of an invalid request and dead-letters it with the reason', async () => {
    const bad = reportRequest({
      labs: [{ name: 'LDL', value: 'high', unit: 'mg/dL', reference_range: { high: 100 } }],
      disclaimer: undefined,
    });
    const before = await amqp.messageCount(dlq);
    await amqp.publish(requests, bad);
    const response = await responseFor(bad.request_id);
    expect(response.status).toBe('failed');
    expect(response.error_message).toMatch(/labs\.0\.value/);
    expect(response.error_message).toMatch(/disclaimer/);
    await waitFor(async () => (await amqp.messageCount(dlq)) === before + 1);
    const dead = await amqp.channel.get(dlq, { noAck: true });
    expect(dead && dead.properties.headers?.['x-dead-letter-reason']).toMatch(/invalid request/);
  });

  it('answers status, get, list and delete over send() and over plain AMQP with reply_to', async () => {
    const request = reportRequest();
    const { report_id } = await lastValueFrom(client.send(REPORT_PATTERNS.generate, request));
    const status = await firstValueFrom(
      client.send(REPORT_PATTERNS.status, asReader({ request_id: request.request_id })),
    );
    expect(status).toMatchObject({ status: 'completed', attempts: 1, report_id });
    expect(status.completed_at).toBeTruthy();
    const got = await firstValueFrom(client.send(REPORT_PATTERNS.get, asReader({ report_id })));
    expect(got).toMatchObject({ found: true, source: 'cache' });
    expect(got.report.json_content.sections.length).toBeGreaterThan(0);
    const page = await firstValueFrom(
      client.send(REPORT_PATTERNS.list, asReader({ user_id: request.user_id, page: 1, page_size: 10 })),
    );
    expect(page).toMatchObject({ total: 1, items: [expect.objectContaining({ report_id })] });

    // A plain AMQP client: {pattern, data} with reply_to and correlation_id gets the same answer.
    const replies = await amqp.channel.assertQueue('', { exclusive: true });
    const answers = await amqp.collect(replies.queue);
    await amqp.publish(
      requests,
      { pattern: REPORT_PATTERNS.status, data: { request_id: request.request_id } },
      { replyTo: replies.queue, correlationId: 'c-1', userId: specBrokerUser },
    );
    const answer = await waitFor(() => answers.find((m) => m.properties.correlationId === 'c-1'));
    expect(jsonOf(answer).response).toMatchObject({ status: 'completed', report_id });

    expect(await firstValueFrom(client.send(REPORT_PATTERNS.delete, asReader({ report_id })))).toEqual({
      report_id,
      deleted: true,
    });
    expect(await firstValueFrom(client.send(REPORT_PATTERNS.get, asReader({ report_id })))).toEqual({
      report_id,
      found: false,
    });
    expect(
      await firstValueFrom(client.send(REPORT_PATTERNS.status, asReader({ request_id: request.request_id }))),
    ).toMatchObject({ found: false });
    expect(await firstValueFrom(client.send(REPORT_PATTERNS.list, asReader({ user_id: '' })))).toMatchObject({
      error: 'invalid_query',
    });
  });

  it('accepts urgent requests with an AMQP priority from a Nest client (moved to the urgent queue, answered to the caller)', async () => {
    const request = reportRequest();
    const record = new RmqRecordBuilder(request).setOptions({ priority: REPORT_PRIORITY.urgent }).build();
    expect(await lastValueFrom(client.send(REPORT_PATTERNS.generate, record))).toMatchObject({ status: 'success' });
  });

  it('accepts a request as a lab system sends it, classifies values against text ranges, and stores the canonical form', async () => {
    const request = reportRequest({
      labs: [
        { name: 'Fasting glucose', value: 104, unit: 'mg/dL', reference_range: '70–99 mg/dL' },
        { name: 'HDL cholesterol', valueQuantity: { value: 38, unit: 'mg/dL' }, referenceRange: [{ text: '>40' }] },
        { name: 'HbA1c', value: '5.2', unit: '%', reference_range: { low: { value: 4 }, high: { value: 5.6 } } },
      ],
      plan: ['Walk 30 minutes a day'],
      cvd_summary: {},
      assessment: {},
    });
    await amqp.publish(requests, request);
    const response = await responseFor(request.request_id);
    expect(response).toMatchObject({ status: 'success', error_message: null });
    const reports = app.get<Connection>(getConnectionToken()).collection('medical_reports');
    const markdown = openStoredReport(
      (await reports.findOne({ report_id: response.report_id })) as never,
    ).markdown_content;
    expect(markdown).toContain('| Fasting glucose | 104 mg/dL | 70–99 mg/dL | high |');
    expect(markdown).toContain('| HDL cholesterol | 38 mg/dL | at least 40 mg/dL | low |');
    expect(markdown).toContain('| HbA1c | 5.2 % | 4–5.6 % | normal |');
  });

  it('refuses a reference range it cannot read, naming the field and the accepted forms', async () => {
    const bad = reportRequest({
      labs: [{ name: 'LDL', value: 162, unit: 'mg/dL', reference_range: 'see lab sheet' }],
    });
    await amqp.publish(requests, bad);
    const response = await responseFor(bad.request_id);
    expect(response.status).toBe('failed');
    expect(response.error_message).toMatch(
      /labs\.0\.reference_range: "see lab sheet" is not a reference range; accepted: .*"<100"/,
    );
  });
});
