import { REPORT_GENERATE_EVENT_ROUTE, REPORT_PATTERNS } from '@app/contracts';
import { settleDelivery } from '@app/messaging';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { AuditAction } from '@app/mongo';
import { AccessRefusedError, ANONYMOUS, ReportCaller } from '../access/report-caller';
import { ReportAccessService } from '../access/report-access.service';
import { NO_REPLY_YET } from '../transport/report-rmq.server';
import { InvalidQueryError, OutOfScopeError, ReportQueryService } from './report-query.service';
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
    private readonly access: ReportAccessService,
  ) {}

  /** Nest `send('report.generate', request)`: the answer goes back to the caller. */
  @MessagePattern(REPORT_PATTERNS.generate)
  generate(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.settle(ctx, NO_REPLY_YET, () =>
      this.requests.process(body, ctx.getMessage() as ConsumeMessage, 'caller'),
    );
  }

  /** Nest `emit('report.generate', request)` and raw seed-format JSON: the answer goes to the response queue. */
  @EventPattern(REPORT_GENERATE_EVENT_ROUTE)
  async generateAndRespond(@Payload() body: unknown, @Ctx() ctx: RmqContext): Promise<void> {
    await this.settle(ctx, NO_REPLY_YET, () =>
      this.requests.process(body, ctx.getMessage() as ConsumeMessage, 'queue'),
    );
  }

  @MessagePattern(REPORT_PATTERNS.status)
  status(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, REPORT_PATTERNS.status, (caller) => this.queries.status(caller, body));
  }

  @MessagePattern(REPORT_PATTERNS.get)
  get(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, REPORT_PATTERNS.get, (caller) => this.queries.get(caller, body));
  }

  @MessagePattern(REPORT_PATTERNS.list)
  list(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, REPORT_PATTERNS.list, (caller) => this.queries.list(caller, body));
  }

  @MessagePattern(REPORT_PATTERNS.delete)
  delete(@Payload() body: unknown, @Ctx() ctx: RmqContext) {
    return this.query(ctx, REPORT_PATTERNS.delete, (caller) => this.queries.delete(caller, body));
  }

  /**
   * Queries come from a reader only (ReportAccessService) and answer errors instead of throwing,
   * so the caller's observable always completes. A refusal is answered `forbidden` and audited.
   */
  private query<T>(ctx: RmqContext, action: AuditAction, run: (caller: ReportCaller) => Promise<T>) {
    const message = ctx.getMessage() as ConsumeMessage;
    return this.settle(ctx, undefined, async () => {
      try {
        return await run(this.access.readerOf(message));
      } catch (error) {
        if (error instanceof InvalidQueryError) return { error: 'invalid_query', problems: error.problems };
        if (error instanceof OutOfScopeError) return { error: 'forbidden', message: error.message };
        if (error instanceof AccessRefusedError) return this.refuse(action, error);
        return { error: 'unavailable', message: (error as Error).message };
      }
    });
  }

  private async refuse(action: AuditAction, refusal: AccessRefusedError) {
    const caller = refusal.caller ?? ANONYMOUS;
    this.logger.warn({
      message: 'query refused',
      pattern: action,
      caller: caller.id ?? 'anonymous',
      reason: refusal.message,
    });
    try {
      await this.queries.refused(action, caller, refusal.message);
    } catch (error) {
      return { error: 'unavailable', message: (error as Error).message };
    }
    return { error: 'forbidden', message: refusal.message };
  }

  private async settle<T, F>(ctx: RmqContext, onError: F, run: () => Promise<T>): Promise<T | F> {
    const channel = ctx.getChannelRef() as Channel;
    const message = ctx.getMessage() as ConsumeMessage;
    let result: T;
    try {
      result = await run();
    } catch (error) {
      if (error instanceof HoldEndedError)
        this.logger.log({
          message: 'held request handed back to the broker',
          pattern: ctx.getPattern(),
          reason: error.message,
        });
      else
        this.logger.error({
          message: 'outcome not published; message requeued',
          pattern: ctx.getPattern(),
          error: (error as Error).message,
        });
      settleDelivery(channel, message, 'requeue', this.logger);
      return onError;
    }
    settleDelivery(channel, message, 'ack', this.logger);
    return result;
  }
}
