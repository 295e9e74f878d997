import {
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  serviceUrls,
  TcpOutageProxy,
  waitFor,
  waitUntilReady,
  withEnv,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

/**
 * RABBITMQ_URL with two URLs, as for two nodes of a cluster: two proxies in front of the one shared
 * broker. The worker's consumer (Nest ServerRMQ) and its publisher (golevelup) each move to the
 * other URL when theirs goes away, so requests are answered again without a restart.
 */
describe('report worker failing over between broker URLs', () => {
  jest.setTimeout(90_000);
  const nodeA = new TcpOutageProxy('127.0.0.1', 5672);
  const nodeB = new TcpOutageProxy('127.0.0.1', 5672);
  let env: Record<string, string>;
  let restoreEnv: () => void;
  let app: INestApplication;
  let ready: string;
  let amqp: ReportAmqpClient;
  let responses: ConsumeMessage[];

  /** Publishes a request to the broker itself (not through a proxy) and waits for its answer. */
  const expectAnswered = async (description: string) => {
    const request = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    const response = await waitFor(
      () => responses.map((message) => jsonOf(message)).find((r) => r.request_id === request.request_id),
      {
        timeoutMs: 30_000,
        description,
      },
    );
    expect(response).toMatchObject({ request_id: request.request_id, status: 'success' });
  };

  beforeAll(async () => {
    await Promise.all([nodeA.start(), nodeB.start()]);
    env = reportTestEnv('report_failover', {
      RABBITMQ_URL: `${nodeA.url(serviceUrls.rabbitmq)},${nodeB.url(serviceUrls.rabbitmq)}`,
    });
    restoreEnv = withEnv(env);
    app = await startReportWorker({ listen: true });
    ready = `${await app.getUrl()}/health/ready`;
    amqp = await new ReportAmqpClient().connect(serviceUrls.rabbitmq);
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  afterAll(async () => {
    nodeA.restore();
    nodeB.restore();
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    restoreEnv?.();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
    await Promise.all([nodeA.stop(), nodeB.stop()]);
  });

  it('answers a request, then answers again after the first URL and then the second are cut', async () => {
    await waitUntilReady(ready, 20_000);
    await expectAnswered('a response through the first URL');

    nodeA.cut();
    await expectAnswered('a response through the second URL after the first was cut');
    await waitUntilReady(ready, 20_000);

    nodeA.restore();
    nodeB.cut();
    await expectAnswered('a response through the first URL again after the second was cut');
    await waitUntilReady(ready, 20_000);
  });
});
