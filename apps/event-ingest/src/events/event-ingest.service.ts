import { EventMessage } from '@app/contracts';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventIngestMetrics } from '../metrics/event-ingest.metrics';
import { CreateEventDto } from './create-event.dto';
import { EVENT_SINK, EventSink } from './event.sink';
import { EventThroughput } from './event-throughput';

export interface IngestItemResult {
  event_id: string;
  status: number;
  error?: string;
}

/** Normalises validated events (event_id, timestamp) and hands them to the configured sink. */
@Injectable()
export class EventIngestService {
  constructor(
    @Inject(EVENT_SINK) private readonly sink: EventSink,
    private readonly metrics: EventIngestMetrics,
    @Optional() private readonly throughput?: EventThroughput,
  ) {}

  get acceptedStatus(): number {
    return this.sink.acceptedStatus;
  }

  /** Resolves with the event_id once accepted; throws the sink's error otherwise. */
  async ingest(dto: CreateEventDto): Promise<string> {
    const event = toMessage(dto, new Date());
    const [error] = await this.accept([event]);
    if (error) throw error;
    this.throughput?.accepted(1);
    return event.event_id;
  }

  async ingestBatch(
    dtos: CreateEventDto[],
  ): Promise<{ results: IngestItemResult[]; errors: Array<Error | undefined> }> {
    const now = new Date();
    const events = dtos.map((dto) => toMessage(dto, now));
    const errors = await this.accept(events);
    this.throughput?.accepted(events.length - errors.filter(Boolean).length);
    const results = events.map((event, index) => {
      const error = errors[index];
      return error
        ? {
            event_id: event.event_id,
            status: isUnavailable(error) ? 503 : 500,
            error: error.message,
          }
        : { event_id: event.event_id, status: this.sink.acceptedStatus };
    });
    return { results, errors };
  }

  /** The sink's answer per event, counted: accepted, or refused by reason. */
  private async accept(events: EventMessage[]): Promise<Array<Error | undefined>> {
    const errors = await this.sink.accept(events);
    let accepted = 0;
    for (const error of errors) {
      if (!error) accepted++;
      else this.metrics.refused.inc({ reason: isUnavailable(error) ? 'unavailable' : 'error' });
    }
    if (accepted > 0) this.metrics.accepted.inc(accepted);
    return errors;
  }
}

function isUnavailable(error: Error): boolean {
  return error.name === 'IngestUnavailableError';
}

/** The wire form: a plain object with only the fields that are set, ids as strings. */
export function toMessage(dto: CreateEventDto, receivedAt: Date): EventMessage {
  const event: EventMessage = {
    event_id: dto.event_id ?? randomUUID(),
    user_id: dto.user_id,
    product_id: dto.product_id,
    event_type: dto.event_type,
    user_session: dto.user_session,
    timestamp: (dto.timestamp ? new Date(dto.timestamp) : receivedAt).toISOString(),
  };
  if (dto.price !== undefined) event.price = dto.price;
  if (dto.category !== undefined) event.category = dto.category;
  return event;
}
