import { IsIn, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { EnvBoolean, EnvDelayList, EnvInt } from '../env.decorators';

export const EVENT_PROCESSOR_ROLES = ['none', 'neo4j', 'qdrant', 'all'] as const;
export type EventProcessorRole = (typeof EVENT_PROCESSOR_ROLES)[number];

/** The sinks a processor role consumes. */
export function sinksOf(role: EventProcessorRole): Array<Exclude<EventProcessorRole, 'none' | 'all'>> {
  return role === 'all' ? ['neo4j', 'qdrant'] : role === 'none' ? [] : [role];
}

export class QdrantEnv {
  @Matches(/^https?:\/\/[^\s]+$/, { message: '$property must be an http:// or https:// URL' })
  QDRANT_URL = 'http://127.0.0.1:6333';

  @IsOptional()
  @IsString()
  QDRANT_API_KEY?: string;

  /** Size of the product vectors (and so of the user profile vectors). */
  @EnvInt(1, 65536)
  QDRANT_VECTOR_SIZE = 384;

  @Matches(/^[A-Za-z0-9_-]+$/, { message: '$property must be a collection name (letters, digits, _ and -)' })
  QDRANT_USER_COLLECTION = 'user_profiles';

  @Matches(/^[A-Za-z0-9_-]+$/, { message: '$property must be a collection name (letters, digits, _ and -)' })
  QDRANT_PRODUCT_COLLECTION = 'products';
}

export class EventsEnv {
  /** false: POST /events writes straight to Neo4j and answers 201 (seed 002's fallback). */
  @EnvBoolean()
  USE_RABBITMQ = true;

  /** Which processors this process runs: the API defaults to none (workers run them). */
  @IsIn(EVENT_PROCESSOR_ROLES, { message: `$property must be one of ${EVENT_PROCESSOR_ROLES.join(', ')}` })
  EVENT_PROCESSORS: EventProcessorRole = 'none';

  /** Prefix of every exchange and queue name of the pipeline (`events` → `events.neo4j`, ...). */
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: '$property must be letters, digits, _ . or - (up to 100)' })
  EVENTS_TOPOLOGY_PREFIX = 'events';

  @EnvInt(1000, 30 * 24 * 3600 * 1000)
  EVENTS_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000;

  @EnvInt(1, 100_000_000)
  EVENTS_MAX_LENGTH = 1_000_000;

  @EnvDelayList()
  EVENT_RETRY_DELAYS_MS: number[] = [5000, 30000, 300000];

  /**
   * Unacknowledged deliveries per consumer (the worker's --prefetch). Twice the batch size, so
   * one batch can fill while the other commits (measured: bench/event-ingest.bench.ts).
   */
  @EnvInt(1, 10_000)
  EVENTS_PREFETCH = 2000;

  /** Largest write a processor makes at once (one Neo4j transaction, one Qdrant upsert). */
  @EnvInt(1, 10_000)
  EVENTS_BATCH_SIZE = 1000;

  /**
   * Neo4j batches in flight per process. A commit is mostly waiting on the disk (tx log force),
   * and Neo4j forces the log once for commits that arrive together, so a few in flight cut the
   * event-to-graph latency; more mostly adds lock contention on hot User/Product nodes.
   */
  @EnvInt(1, 16)
  EVENTS_NEO4J_CONCURRENCY = 2;

  /** How long POST /events waits for the broker's confirm before answering 503. */
  @EnvInt(100, 60_000)
  EVENTS_PUBLISH_TIMEOUT_MS = 5000;

  /** Largest request body POST /events and /events/batch accept (bytes). */
  @EnvInt(1024, 64 * 1024 * 1024)
  EVENTS_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

  /**
   * While a store is unreachable a processor holds its batch and retries it in-process, so an
   * outage does not burn the retry budget; after this long it falls back to the broker retries.
   */
  @EnvInt(0, 24 * 3600 * 1000)
  EVENTS_OUTAGE_HOLD_MS = 20 * 60 * 1000;
}

/** The API's admin endpoints only: workers and the DLQ command line do not read it. */
export class AdminEnv {
  /** Guards purge and DLQ replay. Required: there is no safe default. */
  @IsString({ message: '$property is required (at least 16 characters)' })
  @MinLength(16, { message: '$property must be at least 16 characters' })
  ADMIN_TOKEN: string;
}
