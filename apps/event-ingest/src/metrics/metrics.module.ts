import { EventSinkName } from '@app/contracts';
import { QueueAdminService } from '@app/messaging';
import { EVENT_DELIVERY_OBSERVER } from '@app/processors';
import { DynamicModule, Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventIngestMetrics, eventQueuesOf } from './event-ingest.metrics';
import { MetricsController } from './metrics.controller';

/** Reads the pipeline queues' depth for the gauges, when this process talks to the broker. */
@Injectable()
class QueueGaugesWiring implements OnModuleInit {
  constructor(
    private readonly metrics: EventIngestMetrics,
    private readonly config: ConfigService,
    private readonly admin: QueueAdminService,
  ) {}

  onModuleInit(): void {
    this.metrics.watchQueues(
      eventQueuesOf(
        this.config.getOrThrow<string>('EVENTS_TOPOLOGY_PREFIX'),
        this.config.getOrThrow<EventSinkName[]>('EVENT_SINKS'),
        this.config.getOrThrow<number[]>('EVENT_RETRY_DELAYS_MS'),
      ),
      (queues) => this.admin.statsOfEach(queues),
    );
  }
}

/**
 * One registry for the process, global so the events slice and the processors record into it;
 * GET /metrics wherever the process serves HTTP. With `broker`, the queue gauges read RabbitMQ.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(broker: boolean): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: EventIngestMetrics, useFactory: () => new EventIngestMetrics({ broker }) },
        { provide: EVENT_DELIVERY_OBSERVER, useExisting: EventIngestMetrics },
        ...(broker ? [QueueAdminService, QueueGaugesWiring] : []),
      ],
      exports: [EventIngestMetrics, EVENT_DELIVERY_OBSERVER],
    };
  }
}
