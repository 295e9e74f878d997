import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { CreateEventDto } from './create-event.dto';

const MAX_BATCH_EVENTS = 1000;

/** Body of POST /events/batch. One invalid event refuses the whole batch (400), nothing is published. */
export class CreateEventBatchDto {
  @ApiProperty({ type: [CreateEventDto], minItems: 1, maxItems: MAX_BATCH_EVENTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_EVENTS)
  @ValidateNested({ each: true })
  @Type(() => CreateEventDto)
  events!: CreateEventDto[];
}
