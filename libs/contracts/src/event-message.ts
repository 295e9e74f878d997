import { IsIn, IsISO8601, IsNumber, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';

export const EVENT_TYPES = ['view', 'cart', 'remove_from_cart', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Letters, digits and `-_.:`; enough for UUIDs, ULIDs and client-made ids, and safe in logs. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
export const ID_MAX_LENGTH = 128;

/**
 * One event as it travels on the `events` exchange: the API has normalised it (ids as strings,
 * `event_id` and `timestamp` always set). Consumers validate every delivery against this class;
 * a delivery that fails goes straight to the DLQ.
 */
export class EventMessage {
  @IsString()
  @MinLength(1)
  @MaxLength(ID_MAX_LENGTH)
  @Matches(EVENT_ID_PATTERN)
  event_id!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(ID_MAX_LENGTH)
  user_id!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(ID_MAX_LENGTH)
  product_id!: string;

  @IsIn(EVENT_TYPES)
  event_type!: EventType;

  @IsString()
  @MaxLength(ID_MAX_LENGTH)
  user_session!: string;

  @IsISO8601({ strict: true })
  timestamp!: string;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  price?: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  category?: string;
}
