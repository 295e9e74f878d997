import { jsonOf, ReportAmqpClient, reportRequest, reportTestEnv, reportTestQueues, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

/**
 * A deeply nested request body would make validation throw (stack overflow in class-transformer),
 * and a handler that throws nacks with requeue and spins on the message forever. It must be
 * answered `failed` and dead-lettered once, like any invalid body (docs/drills.md).
 */
describe('deeply nested report request', () => {
  jest.setTimeout(60_000);
  const env = reportTestEnv('drill_deep_report');
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

  it('answers failed, dead-letters it once, and goes on with the next request', async () => {
    const deep = `{"request_id": "deep-1", "user_id": "u", "patient": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    await amqp.publish(requests, deep, { messageId: 'deep-1' });
    const next = reportRequest();
    await amqp.publish(requests, next);

    const failed = await waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.request_id === 'deep-1'), {
      description: 'failed answer',
    });
    expect(failed).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/nested deeper than 32 levels/),
    });
    await waitFor(
      () => responses.map((m) => jsonOf(m)).find((r) => r.request_id === next.request_id && r.status === 'success'),
      { description: 'next request served' },
    );
    await waitFor(async () => (await amqp.messageCount(dlq)) === 1, { description: 'one DLQ copy' });
    expect(await amqp.messageCount(requests)).toBe(0);
  });
});
