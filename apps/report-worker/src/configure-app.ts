import { ReportWorkerEnv } from '@app/config';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { QueueAdminService } from '@app/messaging';
import { ConfigService } from '@nestjs/config';
import { ReplyToPolicy } from './access/reply-to.policy';
import { ReportBrokerHealthIndicator } from './health/report-broker.health-indicator';
import { ReportOutcomePublisher } from './reports/report-outcome.publisher';
import { createReportRmqServer } from './transport/report-rmq.server.factory';
import { ReportTopology } from './transport/report-topology';
import { REPORT_TOPOLOGY } from './transport/report-topology.token';

/**
 * Everything main.ts does to the app besides starting it; tests call it too. The RabbitMQ
 * consumer is attached here (and handed to readiness) and started by `app.startAllMicroservices()`.
 * Signals are handled by main.ts (`exitCleanlyOnSignals`), so a test's app never reacts to the
 * test runner's signals.
 */
export function configureApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const config = app.get<ConfigService<ReportWorkerEnv, true>>(ConfigService);
  const consumer = createReportRmqServer(config, app.get<ReportTopology>(REPORT_TOPOLOGY));
  app.connectMicroservice({ strategy: consumer });
  app.get(ReportBrokerHealthIndicator).watch(consumer);
  const publisher = app.get(ReportOutcomePublisher);
  consumer.forwardUrgentWith((message) => publisher.forwardUrgent(message));
  const admin = app.get(QueueAdminService);
  const replyTo = new ReplyToPolicy((queue) => admin.exclusivityOf(queue));
  consumer.guardRepliesWith((queue) => replyTo.refusal(queue));
  return app;
}
