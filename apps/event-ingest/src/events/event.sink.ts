import { EventMessage } from '@app/contracts';

export const EVENT_SINK = Symbol('EVENT_SINK');

/** Where POST /events puts events: the broker (normal) or Neo4j directly (USE_RABBITMQ=false). */
export interface EventSink {
  /** Status of an accepted event: 202 queued for the processors, 201 already written. */
  readonly acceptedStatus: 201 | 202;
  /** One entry per event, in order: undefined when accepted, the error otherwise. */
  accept(events: EventMessage[]): Promise<Array<Error | undefined>>;
}

/** The event was not accepted but may be on a retry with the same event_id (HTTP 503). */
export class IngestUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestUnavailableError';
  }
}
