import { Transform } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const RATIO_MESSAGE = '$property must be a number from 0 to 1 (the share of new traces kept)';

/**
 * OpenTelemetry traces, under the standard OTel names. Off unless an endpoint is set: then no SDK
 * is loaded and spans cost nothing.
 */
export class TracingEnv {
  /** An OTLP/HTTP collector's base URL (spans go to `<url>/v1/traces`), e.g. http://127.0.0.1:4318. Empty: tracing off. */
  @IsOptional()
  @Matches(/^(https?:\/\/[^\s]+)?$/, { message: '$property must be an http:// or https:// URL, or empty (off)' })
  OTEL_EXPORTER_OTLP_ENDPOINT = '';

  /** service.name of every span; empty: the app's name (report-worker, event-ingest). */
  @IsOptional()
  @IsString()
  OTEL_SERVICE_NAME = '';

  /** Share of new traces recorded (a continued trace follows its caller's decision). */
  @Transform(({ value }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value))
  @IsNumber({ allowNaN: false }, { message: RATIO_MESSAGE })
  @Min(0, { message: RATIO_MESSAGE })
  @Max(1, { message: RATIO_MESSAGE })
  OTEL_TRACES_SAMPLER_ARG = 1;
}
