import { EventMessage } from '@app/contracts';

/** What a processor needs from its store adapter (Neo4j, Qdrant). */
export interface EventStoreWriter {
  /** Writes the batch atomically enough to ack it, or throws. Must be idempotent per event_id. */
  write(events: EventMessage[]): Promise<void>;
  /** True when the store is unreachable or busy, rather than refusing this data. */
  isTransient(error: unknown): boolean;
}
