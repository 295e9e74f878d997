import {
  REPORT_HEADERS,
  ReportGenerationRequest,
  ReportGenerationResponse,
  validateReportRequest,
} from '@app/contracts';
import { ACK, Delivery, DeliveryOutcome } from '@app/messaging';
import { AuditEventsRepository, ReportJobsRepository } from '@app/mongo';
import { inConsumeSpan } from '@app/tracing';
import { Injectable, Logger } from '@nestjs/common';
import { AccessRefusedError, actorOf, ANONYMOUS, ReportCaller } from '../access/report-caller';
import { ReportAccessService } from '../access/report-access.service';
import { ReportMetrics } from '../metrics/report.metrics';
import { WebhookJobs } from '../webhooks/webhook-jobs.service';
import { describeFailure, isTransient, JobBusyError } from './failure.classifier';
import { ReportGenerationService } from './report-generation.service';
import { ReportOutcomePublisher } from './report-outcome.publisher';
import { ProgressSink, ReportProgressStream } from './report-progress.stream';
import { HoldEndedError, RequestHoldService } from './request-hold.service';

/** `queue`: answer on the response queue (emit, raw JSON). `caller`: return the answer for Nest to send to replyTo. */
export type ReplyMode = 'queue' | 'caller';
/** Acked with the answer, acked with none yet (a copy waits in a retry queue), or handed back. */
export type ReportOutcome = DeliveryOutcome<ReportGenerationResponse>;

function attemptOf(delivery: Delivery): number {
  const attempt = Number(delivery.properties.headers?.[REPORT_HEADERS.attempt] ?? 1);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
}

/** What the consumer span of a delivery names: its queue, message id and the producer's trace context. */
function consumed(delivery: Delivery) {
  const { messageId, correlationId, headers } = delivery.properties;
  return { destination: delivery.routingKey, messageId: messageId ?? correlationId, headers };
}

/** The outcome label of the request duration histogram. */
function outcomeOf(outcome: ReportOutcome): string {
  if (outcome.kind === 'requeue') return 'error';
  if (outcome.kind === 'ack') return 'deferred';
  if (outcome.body.status === 'failed') return 'failed';
  return outcome.body.reused ? 'reused' : 'generated';
}

/** What escaped the pipeline: an outcome it could not publish, or a hold that shutdown ended. */
function handedBack(error: unknown): ReportOutcome {
  if (error instanceof HoldEndedError) return { kind: 'requeue', reason: error.message, held: true };
  return { kind: 'requeue', reason: (error as Error).message };
}

function failed(requestId: string, userId: string, errorMessage: string, attempts?: number): ReportGenerationResponse {
  return {
    request_id: requestId,
    user_id: userId,
    report_id: '',
    status: 'failed',
    error_message: errorMessage,
    timestamp: new Date().toISOString(),
    ...(attempts ? { attempts } : {}),
  };
}

/**
 * One delivery of a generate request, from body to outcome: validate, generate, then answer, or
 * park it in a retry queue (transient failure), or dead-letter it with a failed answer. While
 * MongoDB is unreachable or the LLM refuses our settings, the request is held and tried again in
 * hand (RequestHoldService) instead. Every publish is confirmed before this resolves with the
 * delivery's outcome, which the transport carries out: ack (with the answer for an RPC caller)
 * only after that. When the outcome could not be published (the broker is away) or shutdown ends
 * a hold, the outcome is requeue: nothing is acked, the delivery goes back to the broker.
 */
@Injectable()
export class ReportRequestService {
  private readonly logger = new Logger(ReportRequestService.name);

  constructor(
    private readonly generation: ReportGenerationService,
    private readonly publisher: ReportOutcomePublisher,
    private readonly jobs: ReportJobsRepository,
    private readonly metrics: ReportMetrics,
    private readonly hold: RequestHoldService,
    private readonly access: ReportAccessService,
    private readonly audit: AuditEventsRepository,
    private readonly webhooks: WebhookJobs,
  ) {}

  /** `onProgress`: where the report's text goes as it is written, for a caller waiting on reply_to. */
  process(body: unknown, delivery: Delivery, mode: ReplyMode, onProgress?: ProgressSink): Promise<ReportOutcome> {
    this.metrics.received.inc();
    return this.metrics.track(outcomeOf, () =>
      inConsumeSpan(consumed(delivery), () => this.handle(body, delivery, mode, onProgress)).catch(handedBack),
    );
  }

  private async handle(
    body: unknown,
    message: Delivery,
    mode: ReplyMode,
    onProgress?: ProgressSink,
  ): Promise<ReportOutcome> {
    const receivedAt = Date.now();
    const attempt = attemptOf(message);
    let caller: ReportCaller = ANONYMOUS;
    try {
      caller = this.access.callerOf(message);
    } catch (error) {
      if (!(error instanceof AccessRefusedError)) throw error;
      return this.refuse(message, `refused: ${error.message}`, attempt, mode, { request_id: '', user_id: '' }, caller);
    }
    const validation = this.webhooks.admit(validateReportRequest(body, message.content.length));
    if (!validation.ok) {
      const reason = `invalid request: ${validation.problems.join('; ')}`.slice(0, 1000);
      this.logger.warn({
        message: 'request rejected',
        request_id: validation.request_id,
        problems: validation.problems.length,
      });
      return this.refuse(message, reason, attempt, mode, validation, caller);
    }
    const { request } = validation;
    try {
      // The audit record is part of the outcome: a store outage holds it like the report itself.
      // A new report's is written beside the job's completion, once the report is stored; an answer
      // from the ledger or a reused report's, after it.
      const generateAndRecord = async (delivery: Parameters<ReportGenerationService['generate']>[1]) => {
        const progress = onProgress && new ReportProgressStream(request.request_id, onProgress);
        let recorded: Promise<void> | undefined;
        const record = (response: ReportGenerationResponse) =>
          (recorded ??= this.record(caller, response.reused ? 'reused' : 'generated', response));
        const response = await this.generation.generate(request, delivery, progress, record);
        await record(response);
        return response;
      };
      const response = await this.generation.forDelivery(request.request_id, message.redelivered, (delivery) =>
        this.hold.run(() => generateAndRecord(delivery), { requestId: request.request_id, receivedAt }),
      );
      const answered = await this.answer(response, mode, request.callback_url);
      if (response.reused_by) this.metrics.reused.inc({ kind: response.reused_by });
      return answered;
    } catch (error) {
      return this.onFailure(request, error, message, attempt, mode, caller);
    }
  }

  /** A request that cannot be taken (invalid, or refused by the access checks): dead-lettered once, answered failed. */
  private async refuse(
    message: Delivery,
    reason: string,
    attempt: number,
    mode: ReplyMode,
    ids: { request_id: string; user_id: string },
    caller: ReportCaller,
  ) {
    await this.publisher.deadLetter(message, reason, attempt);
    this.metrics.deadLettered.inc({ reason: 'invalid' });
    await this.record(caller, 'refused', ids, reason).catch(() => undefined);
    return this.answer(failed(ids.request_id, ids.user_id, reason), mode);
  }

  private record(
    caller: ReportCaller,
    outcome: string,
    ids: { request_id: string; user_id: string; report_id?: string },
    detail?: string,
  ): Promise<void> {
    const touched = {
      request_id: ids.request_id || undefined,
      user_id: ids.user_id || undefined,
      report_id: ids.report_id || undefined,
    };
    return this.audit.append({
      action: 'report.generate',
      ...actorOf(caller),
      outcome,
      ...touched,
      ...(detail ? { detail: detail.slice(0, 300) } : {}),
    });
  }

  private async onFailure(
    request: ReportGenerationRequest,
    error: unknown,
    message: Delivery,
    attempt: number,
    mode: ReplyMode,
    caller: ReportCaller,
  ): Promise<ReportOutcome> {
    if (error instanceof HoldEndedError) return this.handBack(error, message, attempt);
    const reason = describeFailure(error);
    const context = { request_id: request.request_id, attempt, error: reason };
    if (error instanceof JobBusyError) {
      this.logger.log({ message: 'request busy elsewhere, postponed', ...context });
      await this.publisher.postpone(message, attempt);
      this.metrics.postponed.inc();
      return ACK;
    }
    if (isTransient(error) && attempt <= this.publisher.maxRetries) {
      this.logger.warn({ message: 'transient failure, retry scheduled', ...context });
      await this.publisher.retry(message, attempt);
      this.metrics.retried.inc();
      await this.jobs.release(request.request_id, reason).catch(() => undefined);
      return ACK;
    }
    this.logger.error({ message: 'request dead-lettered', ...context });
    await this.publisher.deadLetter(message, reason, attempt);
    this.metrics.deadLettered.inc({ reason: isTransient(error) ? 'exhausted' : 'permanent' });
    // Best effort: MongoDB may be the reason we are here.
    await this.jobs.fail(request.request_id, reason).catch(() => undefined);
    await this.record(caller, 'failed', request, reason).catch(() => undefined);
    return this.answer(failed(request.request_id, request.user_id, reason, attempt), mode, request.callback_url);
  }

  /**
   * A hold that ended with its cause still there gives the request back without spending an
   * attempt. At the hold limit a copy goes to this attempt's retry queue (confirmed, then the
   * delivery is acked), so the delivery count a quorum queue keeps does not grow with the outage.
   * On shutdown the delivery is requeued as it is (process() turns the error into requeue), which
   * frees the consumer at once; its redelivery takes the job over.
   */
  private async handBack(error: HoldEndedError, message: Delivery, attempt: number): Promise<ReportOutcome> {
    if (error.end === 'shutting down') throw error;
    // Best effort, so another worker need not wait out our lease (MongoDB may be the cause); before
    // the copy exists, so it cannot undo the claim of the copy's delivery.
    await this.jobs.release(error.requestId, `held: ${error.holdCause}`).catch(() => undefined);
    await this.publisher.postpone(message, attempt);
    return ACK;
  }

  /** Counted once the answer is out (published, or handed to Nest for the RPC caller), and its webhook job with it. */
  private async answer(
    response: ReportGenerationResponse,
    mode: ReplyMode,
    callbackUrl?: string,
  ): Promise<ReportOutcome> {
    if (mode === 'queue') await this.publisher.respond(response);
    await this.webhooks.enqueue(response, callbackUrl);
    (response.status === 'success' ? this.metrics.succeeded : this.metrics.failed).inc();
    return { kind: 'reply', body: response };
  }
}
