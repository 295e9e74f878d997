import { REPORT_GENERATE_EVENT_ROUTE, REPORT_PATTERNS, ReportProgress } from '@app/contracts';
import { deliveryOf, DeliveryOutcome, settleDelivery } from '@app/messaging';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import { concat, from, Observable, Subject } from 'rxjs';
import { AuditAction } from '@app/mongo';
import { AccessRefusedError, ANONYMOUS, ReportCaller } from '../access/report-caller';
import { ReportAccessService } from '../access/report-access.service';
import { ReportMetrics } from '../metrics/report.metrics';
import { InvalidQueryError, OutOfScopeError, ReportQueryService } from '../reports/report-query.service';
import { ReportRequestService } from '../reports/report-request.service';
import { settlesLater } from './later-settlements';
import { NO_REPLY_YET } from './report-rmq.server';

/**
 * RabbitMQ handlers. Each hands its delivery to one service method and carries out the outcome it
 * returns, the only place a report delivery is settled: ack (the outcome stored and published),
 * with the answer for an RPC caller; nack with requeue when the outcome could not be published
 * (the broker will hand it out again). Nest never acks or nacks for us (noAck is off, and a
 * throwing handler would otherwise leave the message unacked forever).
 */
@Controller()
export class ReportMessageController {
  private readonly logger = new Logger(ReportMessageController.name);

  constructor(
    private readonly requests: ReportRequestService,
    private readonly queries: ReportQueryService,
    private readonly access: ReportAccessService,
    private readonly metrics: ReportMetrics,
  ) {}

  /**
   * Nest `send('report.generate', request)`, or `{pattern, data}` with reply_to: progress values as
   * the report is written, then the answer, go back to the caller (Nest sends each with
   * `isDisposed: false`, the last with `isDisposed: true`). The delivery is settled after this returns.
   */
  @MessagePattern(REPORT_PATTERNS.generate)
  generate(@Payload() body: unknown, @Ctx() ctx: RmqContext): Observable<unknown> {
    const progress = new Subject<ReportProgress>();
    const sendProgress = (value: ReportProgress) => progress.next(value);
    const answer = this.settle(ctx, () =>
      this.requests.process(body, deliveryOf(messageOf(ctx)), 'caller', sendProgress),
    ).finally(() => progress.complete());
    settlesLater(messageOf(ctx), answer);
    return concat(progress, from(answer));
  }

  /** Nest `emit('report.generate', request)` and raw seed-format JSON: the answer goes to the response queue. */
  @EventPattern(REPORT_GENERATE_EVENT_ROUTE)
  async generateAndRespond(@Payload() body: unknown, @Ctx() ctx: RmqContext): Promise<void> {
    await this.settle(ctx, () => this.requests.process(body, deliveryOf(messageOf(ctx)), 'queue'));
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
    return this.settle(ctx, () => this.answer(action, () => run(this.access.readerOf(deliveryOf(messageOf(ctx))))));
  }

  private async answer(action: AuditAction, run: () => Promise<unknown>): Promise<DeliveryOutcome<unknown>> {
    try {
      return { kind: 'reply', body: await run() };
    } catch (error) {
      if (error instanceof InvalidQueryError)
        return { kind: 'reply', body: { error: 'invalid_query', problems: error.problems } };
      if (error instanceof OutOfScopeError)
        return { kind: 'reply', body: { error: 'forbidden', message: error.message } };
      if (error instanceof AccessRefusedError) return { kind: 'reply', body: await this.refuse(action, error) };
      return { kind: 'reply', body: { error: 'unavailable', message: (error as Error).message } };
    }
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

  /**
   * Carries out the outcome on the delivery's channel. What Nest gets back is the RPC answer:
   * NO_REPLY_YET when there is none now (the request waits in a retry queue, or went back to the broker).
   * Whatever escapes the service is requeued too: acking it could lose the message.
   */
  private async settle<T>(ctx: RmqContext, run: () => Promise<DeliveryOutcome<T>>): Promise<T | typeof NO_REPLY_YET> {
    const startedAt = performance.now();
    let outcome: DeliveryOutcome<T>;
    try {
      outcome = await run();
    } catch (error) {
      outcome = { kind: 'requeue', reason: (error as Error).message };
    }
    if (outcome.kind === 'requeue') this.logRequeue(ctx, outcome.reason, outcome.held);
    settleDelivery(
      ctx.getChannelRef() as Channel,
      messageOf(ctx),
      outcome.kind === 'requeue' ? 'requeue' : 'ack',
      this.logger,
    );
    this.metrics.observeDelivery(messageOf(ctx), outcome.kind, (performance.now() - startedAt) / 1000);
    return outcome.kind === 'reply' ? outcome.body : NO_REPLY_YET;
  }

  private logRequeue(ctx: RmqContext, reason: string, held?: boolean): void {
    if (held) this.logger.log({ message: 'held request handed back to the broker', pattern: ctx.getPattern(), reason });
    else
      this.logger.error({
        message: 'outcome not published; message requeued',
        pattern: ctx.getPattern(),
        error: reason,
      });
  }
}

function messageOf(ctx: RmqContext): ConsumeMessage {
  return ctx.getMessage() as ConsumeMessage;
}
