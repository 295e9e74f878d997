import { EVENT_ID_PATTERN, EVENT_TYPES, EventType, ID_MAX_LENGTH } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  isISO8601,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';

/** Clients may send integer ids; they are kept as strings from here on. */
function IdToString(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value,
  );
}

/** ISO 8601 that also parses as a JS date (week dates like 2024-W01 are valid ISO but not here). */
function IsEventTime(): PropertyDecorator {
  return ValidateBy({
    name: 'isEventTime',
    validator: {
      validate: (value) =>
        typeof value === 'string' && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value)),
      defaultMessage: () => '$property must be an ISO 8601 date-time, e.g. 2024-05-01T12:00:00Z',
    },
  });
}

const ID_MESSAGE = `$property must be a non-empty string (up to ${ID_MAX_LENGTH} characters) or a non-negative integer`;

/** Body of POST /events (and each item of POST /events/batch). */
export class CreateEventDto {
  @ApiProperty({
    oneOf: [
      { type: 'string', maxLength: ID_MAX_LENGTH },
      { type: 'integer', minimum: 0 },
    ],
    example: 1,
  })
  @IdToString()
  @IsString({ message: ID_MESSAGE })
  @MinLength(1, { message: ID_MESSAGE })
  @MaxLength(ID_MAX_LENGTH, { message: ID_MESSAGE })
  user_id!: string;

  @ApiProperty({
    oneOf: [
      { type: 'string', maxLength: ID_MAX_LENGTH },
      { type: 'integer', minimum: 0 },
    ],
    example: 100,
  })
  @IdToString()
  @IsString({ message: ID_MESSAGE })
  @MinLength(1, { message: ID_MESSAGE })
  @MaxLength(ID_MAX_LENGTH, { message: ID_MESSAGE })
  product_id!: string;

  @ApiProperty({ enum: EVENT_TYPES, example: 'view' })
  @IsIn(EVENT_TYPES, { message: `$property must be one of ${EVENT_TYPES.join(', ')}` })
  event_type!: EventType;

  @ApiProperty({ maxLength: ID_MAX_LENGTH, example: 'session-42' })
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  user_session!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it happened; defaults to the time the API received it.',
  })
  @IsOptional()
  @IsEventTime()
  timestamp?: string;

  @ApiPropertyOptional({ minimum: 0, example: 19.99 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  price?: number;

  @ApiPropertyOptional({ maxLength: 256, example: 'electronics.audio' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  category?: string;

  @ApiPropertyOptional({
    maxLength: ID_MAX_LENGTH,
    pattern: EVENT_ID_PATTERN.source,
    description: 'Idempotency key. Assigned (UUID) when absent; resend the same one when retrying after a 503.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  @Matches(EVENT_ID_PATTERN, {
    message: '$property may contain letters, digits, and _ . : - (starting with a letter or digit)',
  })
  event_id?: string;
}
