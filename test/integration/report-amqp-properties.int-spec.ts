import { jsonOf, ReportAmqpClient, reportRequest, reportTestEnv, reportTestQueues, waitFor } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

/**
 * AMQP short strings (correlation id, message id, type, ...) hold at most 255 bytes. A request_id
 * that does not fit (valid at 200 characters when they are multibyte, or an invalid one of any
 * length) must neither go unanswered nor upset the confirms of the answers published after it.
 */
describe('report answers whose request_id does not fit an AMQP property', () => {
  const env = reportTestEnv('report_amqp_props');
  const requests = env.RABBITMQ_REQUEST_QUEUE;
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

  it('answers each request once, in its own response, and keeps the correlation id only where it fits', async () => {
    const multibyte = reportRequest({ request_id: 'é'.repeat(150) }); // 150 characters, 300 bytes: valid
    const overlong = reportRequest({ request_id: 'x'.repeat(300) }); // invalid: dead-lettered with a failed answer
    const plain = reportRequest();
    for (const request of [multibyte, overlong, plain]) await amqp.publish(requests, request);

    const answers = await waitFor(() => (responses.length >= 3 ? responses : undefined), {
      description: 'three answers',
    });
    const byId = new Map(answers.map((message) => [jsonOf(message).request_id as string, message]));
    expect(jsonOf(byId.get(multibyte.request_id)!)).toMatchObject({ status: 'success' });
    expect(jsonOf(byId.get(overlong.request_id)!)).toMatchObject({ status: 'failed' });
    expect(jsonOf(byId.get(plain.request_id)!)).toMatchObject({ status: 'success' });
    expect(byId.get(multibyte.request_id)!.properties.correlationId).toBeUndefined();
    expect(byId.get(overlong.request_id)!.properties.correlationId).toBeUndefined();
    expect(byId.get(plain.request_id)!.properties.correlationId).toBe(plain.request_id);
    expect(await amqp.messageCount(`${requests}_dlq`)).toBe(1);
    expect(await amqp.messageCount(requests)).toBe(0);
  });
});
