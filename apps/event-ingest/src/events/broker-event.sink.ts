import { EventMessage, eventTopologyNames } from '@app/contracts';
import { BrokerUnavailableError, ConfirmedPublisher } from '@app/messaging';
import { inPublishSpan } from '@app/tracing';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventIngestMetrics } from '../metrics/event-ingest.metrics';
import { EventSink, IngestUnavailableError } from './event.sink';

/** Publishes each event, persistent, to the fanout exchange and waits for the broker's confirm. */
@Injectable()
export class BrokerEventSink implements EventSink {
  readonly acceptedStatus = 202 as const;
  private readonly logger = new Logger('EventPublisher');
  private readonly exchange: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly publisher: ConfirmedPublisher,
    config: ConfigService,
    private readonly metrics: EventIngestMetrics,
  ) {
    this.exchange = eventTopologyNames(config.getOrThrow<string>('EVENTS_TOPOLOGY_PREFIX')).exchange;
    this.timeoutMs = config.getOrThrow<number>('EVENTS_PUBLISH_TIMEOUT_MS');
  }

  async accept(events: EventMessage[]): Promise<Array<Error | undefined>> {
    if (!this.publisher.isConnected()) {
      const error = new IngestUnavailableError('the message broker is unreachable');
      return events.map(() => error);
    }
    return Promise.all(events.map((event) => this.publishOne(event)));
  }

  private async publishOne(event: EventMessage): Promise<Error | undefined> {
    const startedAt = performance.now();
    let result = 'error';
    try {
      await inPublishSpan({ destination: this.exchange, messageId: event.event_id }, (headers) =>
        this.publisher.publish(this.exchange, '', Buffer.from(JSON.stringify(event)), {
          persistent: true,
          messageId: event.event_id,
          contentType: 'application/json',
          headers,
          timeoutMs: this.timeoutMs,
        }),
      );
      result = 'ok';
      return undefined;
    } catch (error) {
      this.logger.warn({
        msg: 'event not accepted by the broker',
        event_id: event.event_id,
        error: (error as Error).message,
      });
      return error instanceof BrokerUnavailableError ? new IngestUnavailableError(error.message) : (error as Error);
    } finally {
      this.metrics.publish.observe({ result }, (performance.now() - startedAt) / 1000);
    }
  }
}
