import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { EnvBoolean, EnvDelayList, EnvInt } from '../env.decorators';

export class QdrantEnv {
  @Matches(/^https?:\/\/[^\s]+$/, { message: '$property must be an http:// or https:// URL' })
  QDRANT_URL = 'http://127.0.0.1:6333';

  @IsOptional()
  @IsString()
  QDRANT_API_KEY?: string;
}

export class EventsEnv {
  /** false: POST /events writes straight to Neo4j and answers 201 (seed 002's fallback). */
  @EnvBoolean()
  USE_RABBITMQ = true;

  /** Guards purge and DLQ replay. Required: there is no safe default. */
  @IsString({ message: '$property is required (at least 16 characters)' })
  @MinLength(16, { message: '$property must be at least 16 characters' })
  ADMIN_TOKEN: string;

  @EnvInt(1000, 30 * 24 * 3600 * 1000)
  EVENTS_MESSAGE_TTL_MS = 7 * 24 * 3600 * 1000;

  @EnvInt(1, 100_000_000)
  EVENTS_MAX_LENGTH = 1_000_000;

  @EnvDelayList()
  EVENT_RETRY_DELAYS_MS: number[] = [5000, 30000, 300000];

  @EnvInt(1, 10_000)
  EVENTS_PREFETCH = 500;
}
