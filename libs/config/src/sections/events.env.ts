import { EVENT_SINKS as ALL_SINKS, EventSinkName } from '@app/contracts';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  ValidateBy,
  ValidationArguments,
} from 'class-validator';
import { EnvBoolean, EnvDelayList, EnvInt, EnvSecretToken } from '../env.decorators';

const EVENT_PROCESSOR_ROLES = ['none', ...ALL_SINKS, 'all'] as const;
export type EventProcessorRole = (typeof EVENT_PROCESSOR_ROLES)[number];

/**
 * The sinks a processor role consumes: `all` is every sink the deployment chose (EVENT_SINKS), so
 * a single-process setup follows EVENT_SINKS; naming one sink outside it is refused at boot.
 */
export function sinksOf(role: EventProcessorRole, chosen: readonly EventSinkName[] = ALL_SINKS): EventSinkName[] {
  return role === 'all' ? [...chosen] : role === 'none' ? [] : [role];
}

/** EVENT_SINKS as written ("neo4j, qdrant") to a list; an unset or empty value means every sink. */
function splitSinkList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? [...ALL_SINKS] : value.split(',').map((part) => part.trim());
}

const SINK_LIST_MESSAGE = `$property must be a comma-separated list of ${ALL_SINKS.join(', ')} (at least one, each once)`;

function EnvSinkList(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => splitSinkList(value)),
    ArrayNotEmpty({ message: SINK_LIST_MESSAGE }),
    ArrayUnique({ message: SINK_LIST_MESSAGE }),
    IsIn(ALL_SINKS, { each: true, message: SINK_LIST_MESSAGE }),
  );
}

/** A processor role whose sinks are all chosen: a worker for an undeclared sink queue must not start. */
function WithinChosenSinks(): PropertyDecorator {
  return ValidateBy({
    name: 'withinChosenSinks',
    validator: {
      validate: (role: unknown, args?: ValidationArguments) => {
        const chosen = (args?.object as { EVENT_SINKS?: unknown }).EVENT_SINKS;
        if (role === 'all' || role === 'none' || typeof role !== 'string') return true;
        // A bad EVENT_SINKS is reported on its own line; judging the role against it adds nothing.
        if (!Array.isArray(chosen) || !chosen.every((sink) => ALL_SINKS.includes(sink))) return true;
        return chosen.includes(role);
      },
      defaultMessage: (args?: ValidationArguments) => {
        const chosen = (args?.object as { EVENT_SINKS?: unknown }).EVENT_SINKS;
        return (
          `$property (a worker's --queue) names a sink that is not in EVENT_SINKS (${(chosen as string[]).join(',')}): ` +
          'its queue is not declared in this deployment; add the sink to EVENT_SINKS everywhere, or run another queue'
        );
      },
    },
  });
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
  /** false: POST /events writes straight to Neo4j and answers 201 (the fallback without a broker). */
  @EnvBoolean()
  USE_RABBITMQ = true;

  /** Which processors this process runs: the API defaults to none (workers run them). */
  @IsIn(EVENT_PROCESSOR_ROLES, { message: `$property must be one of ${EVENT_PROCESSOR_ROLES.join(', ')}` })
  @WithinChosenSinks()
  EVENT_PROCESSORS: EventProcessorRole = 'none';

  /**
   * The sinks this deployment runs: only their queues (and retry queues) are declared and bound to
   * the fanout, so a sink without a processor cannot fill up. The same list in every process.
   */
  @EnvSinkList()
  EVENT_SINKS: EventSinkName[] = [...ALL_SINKS];

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
   * outage does not burn the retry budget; after this long, counted from the arrival of the
   * batch's oldest delivery, it falls back to the broker retries. At most 25 minutes: RabbitMQ
   * closes the channel of a delivery unacknowledged for 30 (its consumer timeout).
   */
  @EnvInt(0, 25 * 60 * 1000)
  EVENTS_OUTAGE_HOLD_MS = 20 * 60 * 1000;
}

/** Placeholders seen in example files: a token anyone can read is no secret. */
const PUBLISHED_ADMIN_TOKENS = ['change-me-to-a-long-random-token'];

/** The API's admin endpoints only: workers and the DLQ command line do not read it. */
export class AdminEnv {
  /** Guards purge and DLQ replay. Required: there is no safe default. */
  @EnvSecretToken(24, PUBLISHED_ADMIN_TOKENS)
  ADMIN_TOKEN: string;
}
