import { IsOptional, IsString, Matches } from 'class-validator';
import { EnvInt } from '../env.decorators';

export class OpenAiEnv {
  /** Without a key the worker writes reports with its deterministic, clearly marked writer. */
  @IsOptional()
  @IsString()
  OPENAI_API_KEY?: string;

  /** Any OpenAI-compatible server, e.g. http://127.0.0.1:4010/v1. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: '$property must be an http:// or https:// URL' })
  OPENAI_BASE_URL?: string;

  @IsString()
  OPENAI_MODEL = 'gpt-4o-mini';

  @EnvInt(100, 600_000)
  OPENAI_TIMEOUT_MS = 60_000;
}
