import {
  FakeOpenAiServer,
  getJson,
  jsonOf,
  makeEvent,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  waitFor,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startReportWorker } from '../support/report-worker.app';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

const SERVICE = resolve(__dirname, '../../scripts/services/service.sh');
/** A memory or disk alarm blocks every publishing connection of the broker until it clears. */
const setWatermark = (fraction: string) =>
  execFileSync('bash', [SERVICE, 'rabbitmqctl', '-q', 'set_vm_memory_high_watermark', fraction], { stdio: 'ignore' });
const raiseMemoryAlarm = () => setWatermark('0.000001');
const clearMemoryAlarm = () => setWatermark('0.4'); // RabbitMQ's default

describe('both apps during a broker memory alarm (the local broker, raised and cleared here)', () => {
  jest.setTimeout(90_000);
  afterEach(clearMemoryAlarm);

  describe('event-ingest API', () => {
    let handle: EventAppHandle;

    beforeAll(async () => {
      handle = await startEventApp({ EVENT_PROCESSORS: 'none', EVENT_SINKS: 'neo4j' });
      await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
        description: 'ready',
      });
    });

    afterAll(async () => {
      await handle?.close();
    });

    it('answers 503 (at once once the broker said it blocks), not ready meanwhile, and 202 again once it clears', async () => {
      raiseMemoryAlarm();
      // The broker tells a connection it is blocked when it next publishes: that first event waits
      // for its confirm until EVENTS_PUBLISH_TIMEOUT_MS, then 503.
      expect((await request('POST', `${handle.base}/events`, makeEvent(handle.scope))).status).toBe(503);
      const notReady = await waitFor(
        async () => {
          const probe = await request('GET', `${handle.base}/health/ready`);
          return probe.status === 503 ? probe : undefined;
        },
        { description: 'readiness down' },
      );
      expect(JSON.stringify(notReady.body)).toMatch(/blocks publishing/);
      const started = Date.now();
      const refused = await request('POST', `${handle.base}/events`, makeEvent(handle.scope));
      expect(refused.status).toBe(503);
      expect(JSON.stringify(refused.body)).toMatch(/blocks publishing/);
      expect(Date.now() - started).toBeLessThan(1000); // no wait for a confirm that cannot come

      clearMemoryAlarm();
      await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
        description: 'ready again',
      });
      expect((await request('POST', `${handle.base}/events`, makeEvent(handle.scope))).status).toBe(202);
    });
  });

  describe('report worker', () => {
    const llm = new FakeOpenAiServer();
    let env: Record<string, string>;
    let app: INestApplication;
    let amqp: ReportAmqpClient;
    let responses: ConsumeMessage[];

    beforeAll(async () => {
      await llm.start();
      // A confirm wait shorter than the alarm: the answer caught publishing when the alarm began fails once.
      env = reportTestEnv('report_alarm', {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: llm.baseUrl,
        REPORT_PUBLISH_TIMEOUT_MS: '1000',
      });
      Object.assign(process.env, env);
      app = await startReportWorker({ listen: true });
      amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
      responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
    });

    afterAll(async () => {
      await app?.close();
      await amqp?.deleteQueues(reportTestQueues(env));
      await amqp?.close();
      await llm.stop();
    });

    const deliveries = async () =>
      Number(
        /report_worker_requests_received_total (\d+)/.exec(
          await (await fetch(`${await app.getUrl()}/metrics`)).text(),
        )?.[1],
      );

    it('waits with the request in hand while the broker blocks, instead of taking it round again, and answers once', async () => {
      llm.setLatency(1500);
      const pending = reportRequest();
      await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, pending);
      await waitFor(() => llm.calls === 1, { description: 'the worker writing the report' });
      raiseMemoryAlarm();
      const health = `${await app.getUrl()}/health/ready`;
      const notReady = await waitFor(
        async () => {
          const probe = await getJson(health);
          return probe.status === 503 ? probe : undefined;
        },
        { description: 'readiness down' },
      );
      expect(JSON.stringify(notReady.body)).toMatch(/blocks publishing/);
      await new Promise((resolve) => setTimeout(resolve, 3000)); // the alarm outlasts the confirm wait
      expect(responses).toHaveLength(0);

      clearMemoryAlarm();
      const answer = await waitFor(
        () => responses.map((message) => jsonOf(message)).find((r) => r.request_id === pending.request_id),
        {
          timeoutMs: 20_000,
          description: 'the answer after the alarm',
        },
      );
      expect(answer).toMatchObject({ status: 'success', attempts: 1 });
      expect(await amqp.messageCount(env.RABBITMQ_REQUEST_QUEUE)).toBe(0);
      expect(await amqp.messageCount(`${env.RABBITMQ_REQUEST_QUEUE}_dlq`)).toBe(0);
      await waitFor(async () => (await getJson(health)).status === 200, { description: 'ready again' });
      expect(responses.filter((message) => jsonOf(message).request_id === pending.request_id)).toHaveLength(1);
      // The answer caught by the alarm waits for its confirm, however long the alarm lasts: failing it
      // after REPORT_PUBLISH_TIMEOUT_MS took the request round again and answered it twice.
      expect(await deliveries()).toBe(1);
    });
  });
});
