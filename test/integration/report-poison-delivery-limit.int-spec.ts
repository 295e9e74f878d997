import { ReportAmqpClient, reportRequest, reportTestEnv, reportTestQueues, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { startReportWorker } from '../support/report-worker.app';

/**
 * A request that every worker taking it dies on is never settled: it would go round the workers
 * forever. The request queue the worker declares (quorum) dead-letters it into the DLQ once it has
 * been delivered RABBITMQ_DELIVERY_LIMIT times. The deliveries here are the spec's own, handed
 * back unsettled as a crashed worker's are.
 */
describe('report request queue: the delivery limit as the poison-message backstop', () => {
  jest.setTimeout(60_000);
  const env = reportTestEnv('report_poison', { RABBITMQ_DELIVERY_LIMIT: '3' });
  let amqp: ReportAmqpClient;

  beforeAll(async () => {
    Object.assign(process.env, env);
    const app: INestApplication = await startReportWorker(); // declares the queues as production does
    await app.close();
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
  });

  afterAll(async () => {
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
  });

  it('moves a request handed back unsettled more than the limit into the DLQ, at least once', async () => {
    const poison = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, poison);
    let deliveries = 0;
    const { consumerTag } = await amqp.channel.consume(env.RABBITMQ_REQUEST_QUEUE, (message) => {
      if (!message) return;
      deliveries++;
      amqp.channel.nack(message, false, true);
    });
    const letter = await waitFor(() => amqp.takeOne(`${env.RABBITMQ_REQUEST_QUEUE}_dlq`), {
      timeoutMs: 20_000,
      description: 'the request in the DLQ',
    });
    expect(JSON.parse(letter.content.toString()).request_id).toBe(poison.request_id);
    expect(deliveries).toBe(4); // the first delivery and three more: then the limit of 3 redeliveries is spent
    expect((await amqp.queueStats(env.RABBITMQ_REQUEST_QUEUE))?.messageCount).toBe(0);
    await amqp.channel.cancel(consumerTag);
  });

  it('has the worker dead-letter the delivery at the limit itself, sealed, instead of trying it once more', async () => {
    const poison = reportRequest({ assessment: { summary: 'POISON-MARKER-assessment' } });
    // Found by its message id: the first spec's request, dead-lettered at least once, may have left a second copy in the DLQ.
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, poison, { messageId: poison.request_id });
    // Three deliveries handed back unsettled, as three crashed workers leave them: the worker gets the fourth, the last the limit allows.
    for (let delivery = 1; delivery <= 3; delivery++) {
      const message = await waitFor(async () => (await amqp.channel.get(env.RABBITMQ_REQUEST_QUEUE)) || undefined, {
        description: `delivery ${delivery}`,
      });
      amqp.channel.nack(message, false, true);
    }
    const app = await startReportWorker();
    try {
      const letter = await waitFor(
        async () => {
          const taken = await amqp.takeOne(`${env.RABBITMQ_REQUEST_QUEUE}_dlq`);
          return taken?.properties.messageId === poison.request_id ? taken : undefined;
        },
        { timeoutMs: 20_000, description: 'the request in the DLQ' },
      );
      expect(letter.properties.headers?.['x-dead-letter-reason']).toMatch(
        /^invalid request: poison: delivered 4 times without being settled/,
      );
      expect(letter.properties.headers?.['x-sealed-body']).toBeTruthy();
      expect(letter.content.toString()).not.toContain('POISON-MARKER');
      expect((await amqp.queueStats(env.RABBITMQ_REQUEST_QUEUE))?.messageCount).toBe(0);
    } finally {
      await app.close();
    }
  });
});
