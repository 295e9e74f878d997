import { ReportAmqpClient, reportRequest, reportTestEnv, reportTestQueues, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

/**
 * Queues deleted under a running worker (an operator's mistake, a node lost with its queues). A
 * publish to a queue that is gone is confirmed by the broker and dropped unless it is mandatory:
 * the answer to the request would be lost while the request is acked.
 */
describe('report worker when its queues are deleted under it', () => {
  jest.setTimeout(60_000);
  const env = reportTestEnv('report_queue_deleted');
  let app: INestApplication;
  let amqp: ReportAmqpClient;

  beforeAll(async () => {
    Object.assign(process.env, env);
    app = await startReportWorker();
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
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

  it('declares a deleted response queue again and delivers the answer into it', async () => {
    await amqp.channel.deleteQueue(env.RABBITMQ_RESPONSE_QUEUE);
    const request = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    const answer = await waitFor(() => amqp.takeOne(env.RABBITMQ_RESPONSE_QUEUE), {
      timeoutMs: 15_000,
      description: 'the answer in the declared-again response queue',
    });
    expect(JSON.parse(answer.content.toString())).toMatchObject({ request_id: request.request_id, status: 'success' });
  });

  it('subscribes again when the broker cancels its consumer because the request queue was deleted', async () => {
    const requests = env.RABBITMQ_REQUEST_QUEUE;
    await waitFor(async () => (await consumersOf(requests)) === 1, { description: 'worker consuming' });
    await amqp.channel.deleteQueue(requests);
    await waitFor(async () => (await consumersOf(requests)) === 1, {
      timeoutMs: 15_000,
      description: 'request queue declared again and consumed',
    });
    const request = reportRequest();
    await amqp.publish(requests, request);
    const answer = await waitFor(() => amqp.takeOne(env.RABBITMQ_RESPONSE_QUEUE), {
      timeoutMs: 15_000,
      description: 'the answer',
    });
    expect(JSON.parse(answer.content.toString())).toMatchObject({ request_id: request.request_id, status: 'success' });
  });

  const consumersOf = async (queue: string) => (await amqp.queueStats(queue))?.consumerCount ?? 0;
});
