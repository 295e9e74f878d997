import { ReportWorkerEnv } from '@app/config';
import { deliveryOf, QueueAdminService, REPORT_TOPOLOGY, ReportTopology } from '@app/messaging';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ReplyToPolicy } from './access/reply-to.policy';
import { ReportBrokerHealthIndicator } from './health/report-broker.health-indicator';
import { ReportMetrics } from './metrics/report.metrics';
import { ReportOutcomePublisher } from './reports/report-outcome.publisher';
import { createReportRmqServer } from './transport/report-rmq.server.factory';

/**
 * The HTTP side port (health, metrics) runs on Fastify, as event-ingest's ports do: the same 404
 * and error bodies, the same content types. It takes no request bodies, so no parsers or limits
 * of the API's; main.ts uses this adapter and tests create theirs here too.
 */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter();
}

/**
 * Everything main.ts does to the app besides starting it; tests call it too. No global
 * ValidationPipe: the HTTP side takes no input, and a report message is validated by the report
 * pipeline against its contract (global pipes do not reach the consumer anyway). The RabbitMQ
 * consumer is attached here (and handed to readiness) and started by `app.startAllMicroservices()`.
 * Signals are handled by main.ts (`exitCleanlyOnSignals`), so a test's app never reacts to the
 * test runner's signals.
 */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  const config = app.get<ConfigService<ReportWorkerEnv, true>>(ConfigService);
  const topology = app.get<ReportTopology>(REPORT_TOPOLOGY);
  const consumer = createReportRmqServer(config, topology);
  app.connectMicroservice({ strategy: consumer });
  app.get(ReportBrokerHealthIndicator).watch(consumer);
  const publisher = app.get(ReportOutcomePublisher);
  consumer.forwardUrgentWith((message) => publisher.forwardUrgent(deliveryOf(message)));
  const admin = app.get(QueueAdminService);
  const replyTo = new ReplyToPolicy((queue) => admin.exclusivityOf(queue));
  consumer.guardRepliesWith((queue) => replyTo.refusal(queue));
  const metrics = app.get(ReportMetrics);
  metrics.watchQueues(topology, (queues) => admin.statsOfEach(queues));
  metrics.watchConsumer(() => consumer.consumerStatus === 'consuming');
  return app;
}
