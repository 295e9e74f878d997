import { ReportWorkerEnv } from '@app/config';
import { amqpTlsOptions, ReportTopology } from '@app/messaging';
import { ConfigService } from '@nestjs/config';
import { hostname } from 'node:os';
import { ReportRmqServer } from './report-rmq.server';

/** The consumer, configured from settings; one fixed consumer tag per process so close() can cancel it. */
export function createReportRmqServer(
  config: ConfigService<ReportWorkerEnv, true>,
  topology: ReportTopology,
): ReportRmqServer {
  return new ReportRmqServer({
    urls: config.get('RABBITMQ_URL', { infer: true }),
    connectionOptions: amqpTlsOptions(config),
    queue: topology.requestQueue,
    queueOptions: topology.requestQueueOptions,
    urgentQueue: topology.urgentQueue,
    prefetchCount: config.get('RABBITMQ_PREFETCH_COUNT', { infer: true }),
    consumerTag: `${config.get('WORKER_NAME', { infer: true })}.${hostname()}.${process.pid}`,
    drainTimeoutMs: config.get('REPORT_DRAIN_TIMEOUT_MS', { infer: true }),
    maxMessageBytes: config.get('REPORT_MAX_MESSAGE_BYTES', { infer: true }),
    deliveryLimit: topology.deliveryLimit,
    declarations: topology.declarations,
  });
}
