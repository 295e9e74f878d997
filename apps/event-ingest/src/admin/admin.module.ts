import { EventSinkName, eventTopologyNames } from '@app/contracts';
import { QueueAdminService } from '@app/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AdminAudit } from './admin.audit';
import { AdminTokenGuard } from './admin-token.guard';
import { KnownQueues } from './known-queues';
import { PipelineHealthService } from './pipeline-health.service';
import { RabbitMqAdminHttpController } from './rabbitmq-admin.http.controller';
import { RetiredSinksUnbinder } from './retired-sinks.unbinder';

@Module({
  controllers: [RabbitMqAdminHttpController],
  providers: [
    QueueAdminService,
    AdminTokenGuard,
    AdminAudit,
    PipelineHealthService,
    RetiredSinksUnbinder,
    {
      provide: KnownQueues,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new KnownQueues(
          eventTopologyNames(config.getOrThrow<string>('EVENTS_TOPOLOGY_PREFIX')),
          config.getOrThrow<number[]>('EVENT_RETRY_DELAYS_MS'),
          config.getOrThrow<EventSinkName[]>('EVENT_SINKS'),
        ),
    },
  ],
  // The console shows the same queues, behind the same token, audited the same way.
  exports: [QueueAdminService, AdminTokenGuard, AdminAudit, KnownQueues],
})
export class AdminModule {}
