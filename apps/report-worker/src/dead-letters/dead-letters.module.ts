import { ReportWorkerEnv, settingsModule } from '@app/config';
import { QueueAdminService, queueKindFrom, RabbitConnectionModule } from '@app/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { reportTopology } from '../transport/report-topology';
import { REPORT_TOPOLOGY } from '../transport/report-topology.token';
import { DeadLettersService } from './dead-letters.service';

/**
 * The dead-letter command's composition root: the report worker's settings, its queue names and
 * one AMQP connection that declares nothing. No MongoDB, no Redis: the command works while they are down.
 */
@Module({
  imports: [settingsModule(ReportWorkerEnv), RabbitConnectionModule.forRoot()],
  providers: [
    QueueAdminService,
    DeadLettersService,
    {
      provide: REPORT_TOPOLOGY,
      inject: [ConfigService],
      useFactory: (config: ConfigService<ReportWorkerEnv, true>) =>
        reportTopology({
          RABBITMQ_REQUEST_QUEUE: config.get('RABBITMQ_REQUEST_QUEUE', { infer: true }),
          RABBITMQ_RESPONSE_QUEUE: config.get('RABBITMQ_RESPONSE_QUEUE', { infer: true }),
          MAX_RETRIES: config.get('MAX_RETRIES', { infer: true }),
          REPORT_RETRY_DELAYS_MS: config.get('REPORT_RETRY_DELAYS_MS', { infer: true }),
          queueKind: queueKindFrom(config),
        }),
    },
  ],
})
export class DeadLettersModule {}
