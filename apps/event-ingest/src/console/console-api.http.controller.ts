import { BrokerUnavailableError } from '@app/messaging';
import { DeadLetterSealedError } from '@app/messaging';
import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DlqLimitDto } from '../admin/admin-queries.dto';
import { AdminAudit } from '../admin/admin.audit';
import { EventThroughput } from '../events/event-throughput';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleDeadLettersService } from './console-dead-letters.service';
import { ConsoleQueuesService } from './console-queues.service';
import { DeadLetterActionDto, PipelineParamDto } from './console.dto';

/** The JSON the console page polls, and its replay and discard actions (audited like the admin endpoints). */
@ApiExcludeController()
@UseGuards(ConsoleAuthGuard)
@Controller('console/api')
export class ConsoleApiHttpController {
  constructor(
    private readonly queues: ConsoleQueuesService,
    private readonly deadLetters: ConsoleDeadLettersService,
    private readonly throughput: EventThroughput,
    private readonly audit: AdminAudit,
  ) {}

  /** 200 while the session (or bearer token) is good: the page asks this before it shows itself. */
  @Get('session')
  session() {
    return { logged_in: true };
  }

  @Get('overview')
  async overview() {
    const queues = await this.run(() => this.queues.all());
    return {
      at: new Date().toISOString(),
      queues,
      throughput: { bucket_seconds: this.throughput.bucketSeconds, points: this.throughput.series() },
    };
  }

  @Get('dead-letters/:pipeline')
  deadLetterList(@Param() { pipeline }: PipelineParamDto, @Query() query: DlqLimitDto) {
    return this.run(() => this.deadLetters.list(pipeline, query.limit ?? 50));
  }

  @Post('dead-letters/:pipeline/replay')
  @HttpCode(200)
  replay(@Param() { pipeline }: PipelineParamDto, @Body() body: DeadLetterActionDto, @Req() request: FastifyRequest) {
    return this.audit.around('dlq.replay', request.ip, this.target(pipeline, body), () =>
      this.run(() => this.deadLetters.replay(pipeline, body.message_id)),
    );
  }

  @Post('dead-letters/:pipeline/discard')
  @HttpCode(200)
  discard(@Param() { pipeline }: PipelineParamDto, @Body() body: DeadLetterActionDto, @Req() request: FastifyRequest) {
    return this.audit.around('dlq.discard', request.ip, this.target(pipeline, body), () =>
      this.run(() => this.deadLetters.discard(pipeline, body.message_id)),
    );
  }

  private target(pipeline: PipelineParamDto['pipeline'], body: DeadLetterActionDto): string {
    const queue = this.deadLetters.queueOf(pipeline);
    return body.message_id === undefined ? `${queue} (all)` : `${queue} message ${body.message_id}`;
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(error.message);
      if (error instanceof DeadLetterSealedError) throw new ConflictException(error.message);
      if ((error as { code?: unknown }).code === 404)
        throw new ServiceUnavailableException(
          'the dead-letter queue does not exist yet (its pipeline has not started)',
        );
      throw error;
    }
  }
}
