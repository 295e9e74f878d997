import { BrokerUnavailableError, QueueAdminService, RabbitMqHealthIndicator } from '@app/messaging';
import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DlqLimitDto } from './admin-queries.dto';
import { AdminAudit } from './admin.audit';
import { AdminTokenGuard } from './admin-token.guard';
import { isBrokerNotFound } from './broker-not-found';
import { KnownQueues } from './known-queues';
import { PipelineHealthService } from './pipeline-health.service';

/** The operator endpoints of the event pipeline's queues. Reading is open; purge and the DLQ need ADMIN_TOKEN. */
@ApiTags('rabbitmq')
@Controller('rabbitmq')
export class RabbitMqAdminHttpController {
  constructor(
    private readonly queues: QueueAdminService,
    private readonly health: RabbitMqHealthIndicator,
    private readonly pipeline: PipelineHealthService,
    @Inject(KnownQueues) private readonly known: KnownQueues,
    private readonly audit: AdminAudit,
  ) {}

  /** 200 also when degraded (a chosen sink without consumer): this API still takes events. */
  @Get('health')
  @ApiOperation({
    summary: 'Broker connection, the depth and consumers of the pipeline queues, sinks without a consumer',
  })
  async brokerHealth() {
    const connected = (await this.health.check('rabbitmq')).rabbitmq.status === 'up';
    if (!connected) throw new ServiceUnavailableException({ status: 'down', message: 'not connected to the broker' });
    return this.run(() => this.pipeline.report());
  }

  @Get('queues/:name')
  @ApiOperation({ summary: 'Messages and consumers of one pipeline queue' })
  queueStats(@Param('name') name: string) {
    return this.run(() => this.queues.stats(this.queue(name)));
  }

  @Post('queues/:name/purge')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'ADMIN_TOKEN missing or wrong' })
  @ApiOperation({ summary: 'Delete every ready message of one pipeline queue' })
  purge(@Param('name') name: string, @Req() request: FastifyRequest) {
    const queue = this.queue(name);
    return this.audit.around('queue.purge', request.ip, queue, () => this.run(() => this.queues.purge(queue)));
  }

  @Get('dlq')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'ADMIN_TOKEN missing or wrong' })
  @ApiOperation({ summary: 'Peek at dead letters (they stay in the DLQ), with x-reason and x-attempts' })
  async deadLetters(@Query() query: DlqLimitDto) {
    const messages = await this.run(() => this.queues.peek(this.known.names.deadLetterQueue, query.limit ?? 20));
    return { queue: this.known.names.deadLetterQueue, count: messages.length, messages };
  }

  @Post('dlq/replay')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'ADMIN_TOKEN missing or wrong' })
  @ApiOperation({ summary: 'Move dead letters back to the sink queue they failed in, with a fresh retry budget' })
  replay(@Query() query: DlqLimitDto, @Req() request: FastifyRequest) {
    const dlq = this.known.names.deadLetterQueue;
    return this.audit.around('dlq.replay', request.ip, dlq, () =>
      this.run(() => this.queues.replay(dlq, query.limit ?? 100, this.known.sinkQueues)),
    );
  }

  private queue(name: string): string {
    const queue = this.known.resolve(name);
    if (!queue) throw new NotFoundException(`unknown queue "${name}"; known: neo4j, qdrant, dlq or their full names`);
    return queue;
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw new ServiceUnavailableException(error.message);
      // A pipeline queue may be absent: a sink outside EVENT_SINKS is never declared.
      if (isBrokerNotFound(error))
        throw new NotFoundException('the queue does not exist on the broker (is its sink in EVENT_SINKS?)');
      throw error;
    }
  }
}
