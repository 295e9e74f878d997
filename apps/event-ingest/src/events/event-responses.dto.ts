import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class EventAcceptedDto {
  @ApiProperty({ example: '0b6e7c1e-7c55-4a1f-9d1b-5c9f3f1b2a10' })
  event_id!: string;
}

export class BatchItemResultDto {
  @ApiProperty()
  event_id!: string;

  @ApiProperty({
    description: '202 published (201 written, without RabbitMQ), 503 not accepted: resend it',
    example: 202,
  })
  status!: number;

  @ApiPropertyOptional()
  error?: string;
}

export class BatchResultDto {
  @ApiProperty()
  accepted!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty({ type: [BatchItemResultDto], description: 'One entry per event, in request order.' })
  results!: BatchItemResultDto[];
}
