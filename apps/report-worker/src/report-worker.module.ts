import { ReportWorkerEnv, settingsModule } from '@app/config';
import { RabbitConnectionModule } from '@app/messaging';
import { MongoConnectionModule } from '@app/mongo';
import { TracingModule } from '@app/tracing';
import { DynamicModule, Module } from '@nestjs/common';
import { RedisCacheModule } from './cache/redis-cache.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ReportProtectionModule } from './protection/report-protection.module';
import { ReportTransportModule } from './transport/report-transport.module';
import { webhookConsumerTopology } from './webhooks/webhook-consumer.topology';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * Composition root of the report worker. Built by a function so settings are read at boot, not at
 * import: main.ts passes the ones it loaded; without them (a test) they are read from the environment.
 */
@Module({})
export class ReportWorkerModule {
  static forRoot(settings?: ReportWorkerEnv): DynamicModule {
    return {
      module: ReportWorkerModule,
      imports: [
        settingsModule(ReportWorkerEnv, settings),
        TracingModule.forRoot('report-worker'),
        // Publishing (responses, retries, dead letters, webhook jobs, on a confirm channel) and the
        // webhook consumer on a channel of its own; the report requests are consumed by Nest's ServerRMQ.
        RabbitConnectionModule.forRoot(webhookConsumerTopology),
        // Command events feed the MongoDB round-trip metrics and, with tracing on, its spans.
        MongoConnectionModule.forRoot({ monitorCommands: true }),
        ReportProtectionModule,
        MetricsModule,
        RedisCacheModule,
        HealthModule,
        ReportTransportModule,
        WebhooksModule,
      ],
    };
  }
}
