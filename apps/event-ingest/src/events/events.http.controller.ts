import {
  Body,
  Controller,
  HttpStatus,
  InternalServerErrorException,
  Post,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CreateEventBatchDto } from './create-event-batch.dto';
import { CreateEventDto } from './create-event.dto';
import { EventIngestService } from './event-ingest.service';
import { BatchResultDto, EventAcceptedDto } from './event-responses.dto';
import { IngestUnavailableError } from './event.sink';

/** Seconds a client should wait before resending after a 503. */
const RETRY_AFTER_SECONDS = '5';

@ApiTags('events')
@Controller('events')
export class EventsHttpController {
  constructor(private readonly events: EventIngestService) {}

  @Post()
  @ApiOperation({
    summary: 'Accept one interaction event',
    description:
      '202 once the broker has confirmed the persistent message (201 after the Neo4j write when USE_RABBITMQ=false).',
  })
  @ApiResponse({ status: 202, type: EventAcceptedDto })
  @ApiResponse({ status: 201, type: EventAcceptedDto, description: 'USE_RABBITMQ=false: written to Neo4j' })
  @ApiBadRequestResponse({ description: 'A field is missing, invalid or unknown; the message names each one.' })
  @ApiServiceUnavailableResponse({
    description:
      'Broker (or Neo4j) unreachable or no confirm in time; resend with the same event_id after Retry-After.',
  })
  async create(
    @Body() dto: CreateEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EventAcceptedDto> {
    try {
      const event_id = await this.events.ingest(dto);
      reply.status(this.events.acceptedStatus);
      return { event_id };
    } catch (error) {
      throw this.httpError(error, reply, dto.event_id);
    }
  }

  @Post('batch')
  @ApiOperation({
    summary: 'Accept up to 1,000 events',
    description:
      'Answers per event. 202 (201 without RabbitMQ) when all were accepted, 207 when some were not (resend those), 503 when none were.',
  })
  @ApiBody({ type: CreateEventBatchDto })
  @ApiResponse({ status: 202, type: BatchResultDto })
  @ApiResponse({
    status: 207,
    type: BatchResultDto,
    description: 'Some events were not accepted; see results[].status',
  })
  @ApiBadRequestResponse({ description: 'An event is invalid (e.g. events.3.event_type); nothing was published.' })
  @ApiServiceUnavailableResponse({ type: BatchResultDto })
  async createBatch(
    @Body() dto: CreateEventBatchDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BatchResultDto> {
    const { results } = await this.events.ingestBatch(dto.events);
    const failed = results.filter((result) => result.status >= 300).length;
    if (failed > 0) reply.header('Retry-After', RETRY_AFTER_SECONDS);
    reply.status(
      failed === 0
        ? this.events.acceptedStatus
        : failed === results.length
          ? HttpStatus.SERVICE_UNAVAILABLE
          : HttpStatus.MULTI_STATUS,
    );
    return { accepted: results.length - failed, failed, results };
  }

  private httpError(error: unknown, reply: FastifyReply, eventId?: string): Error {
    if (error instanceof IngestUnavailableError) {
      reply.header('Retry-After', RETRY_AFTER_SECONDS);
      return new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: error.message,
        event_id: eventId,
      });
    }
    return new InternalServerErrorException();
  }
}
