import { REPORT_GENERATE_EVENT_ROUTE, REPORT_PATTERNS } from '@app/contracts';
import { settleDelivery } from '@app/messaging';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { NO_REPLY_YET } from '../transport/report-rmq.server';
import { InvalidQueryError, ReportQueryService } from './report-query.service';
import { ReportRequestService } from './report-request.service';
import { HoldEndedError } from './request-hold.service';

/**
 * RabbitMQ handlers. Each calls one service method and then settles its message itself: ack once
 * the outcome is stored and published; nack with requeue only when the outcome could not be
 * published (the broker will hand it out again). Nest never acks or nacks for us (noAck is off,
 * and a throwing handler would otherwise leave the message unacked forever).
 */
@Controller()
export class ReportMessageController {
  private readonly logger = new Logger(ReportMessageController.name);

  constructor(
    private readonly requests: ReportRequestService,
    private readonly queries: ReportQueryService,
  ) {}

  /** Nest `send('report.generate', request)`: the answer goes back to the caller. */
  @MessagePattern(REPORT_PATTERNS.generate)
  generate(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.settle(ctx, NO_REPLY_YET, () => this.requests.process(body, ctx.getMessage() as ConsumeMessage, 'caller'));
  }

  /** Nest `emit('report.generate', request)` and raw seed-format JSON: the answer goes to the response queue. */
  @EventPattern(REPORT_GENERATE_EVENT_ROUTE)
  async generateAndRespond(@Payload() body: unknown, @Ctx() ctx: RmqContext): Promise<void> {
    await this.settle(ctx, NO_REPLY_YET, () => this.requests.process(body, ctx.getMessage() as ConsumeMessage, 'queue'));
  }

  @MessagePattern(REPORT_PATTERNS.status)
  status(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, () => this.queries.status(body));
  }

  @MessagePattern(REPORT_PATTERNS.get)
  get(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, () => this.queries.get(body));
  }

  @MessagePattern(REPORT_PATTERNS.list)
  list(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, () => this.queries.list(body));
  }

  @MessagePattern(REPORT_PATTERNS.delete)
  delete(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, () => this.queries.delete(body));
  }

  /** Queries answer errors instead of throwing, so the caller's observable always completes. */
  private query<T>(ctx: RmqContext, run: () => Promise<T>) {
    return this.settle(ctx, undefined, async () => {
      try {
        return await run();
      } catch (error) {
        if (error instanceof InvalidQueryError) return { error: 'invalid_query', problems: error.problems };
        return { error: 'unavailable', message: (error as Error).message };
      }
    });
  }

  private async settle<T, F>(ctx: RmqContext, onError: F, run: () => Promise<T>): Promise<T | F> {
    const channel = ctx.getChannelRef() as Channel;
    const message = ctx.getMessage() as ConsumeMessage;
    let result: T;
    try {
      result = await run();
    } catch (error) {
      if (error instanceof HoldEndedError) this.logger.log({ message: 'held request handed back to the broker', pattern: ctx.getPattern(), reason: error.message });
      else this.logger.error({ message: 'outcome not published; message requeued', pattern: ctx.getPattern(), error: (error as Error).message });
      settleDelivery(channel, message, 'requeue', this.logger);
      return onError;
    }
    settleDelivery(channel, message, 'ack', this.logger);
    return result;
  }
}
