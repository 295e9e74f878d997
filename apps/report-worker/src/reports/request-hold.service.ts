import { holdThroughOutage, sharedAbortController } from '@app/common';
import { ReportWorkerEnv } from '@app/config';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { describeFailure, holdCauseOf } from './failure.classifier';

export type HoldEnd = 'hold limit reached' | 'shutting down';

/**
 * A held request whose dependency was still failing when its hold ended (REPORT_OUTAGE_HOLD_MS,
 * or shutdown). Thrown to the message controller, which hands the delivery back to the broker
 * (nack, requeue): no attempt is spent, nothing is dead-lettered.
 */
export class HoldEndedError extends Error {
  constructor(
    readonly requestId: string,
    readonly end: HoldEnd,
    readonly holdCause: string,
    readonly lastError: unknown,
  ) {
    super(`request ${requestId} held (${holdCause}), ${end}: handed back to the broker`);
    this.name = 'HoldEndedError';
  }
}

/** What readiness shows: how many deliveries are held, and why. */
export interface HoldStatus {
  held: number;
  causes: string[];
}

export interface HeldDelivery {
  requestId: string;
  /** When the worker took the delivery (ms since the epoch): the hold limit counts from here. */
  receivedAt: number;
}

/** Log a held request on its first retry, then every this many. */
const LOG_EVERY_RETRIES = 10;

/**
 * Holds requests through failures that every request would meet (MongoDB unreachable, the LLM
 * refusing our settings): the delivery stays in hand and the same request is tried again with
 * backoff, so no attempt is spent and nothing reaches the DLQ. With every prefetch slot held the
 * broker sends nothing more, which stops consumption until the dependency is back. The mechanism
 * is the event pipeline's (holdThroughOutage); shutdown aborts every hold at once.
 */
@Injectable()
export class RequestHoldService implements OnModuleDestroy {
  private readonly logger = new Logger(RequestHoldService.name);
  private readonly stopping = sharedAbortController();
  /** The latest cause of each delivery being held. */
  private readonly held = new Map<symbol, string>();
  private readonly limitMs: number;

  constructor(config: ConfigService<ReportWorkerEnv, true>) {
    this.limitMs = config.get('REPORT_OUTAGE_HOLD_MS', { infer: true });
  }

  get status(): HoldStatus {
    return { held: this.held.size, causes: [...new Set(this.held.values())].sort() };
  }

  /**
   * `work` until it succeeds, holding while it fails for a hold cause. Other failures are thrown
   * as they are; a hold that ends with its cause still there throws HoldEndedError.
   */
  async run<T>(work: () => Promise<T>, delivery: HeldDelivery): Promise<T> {
    const key = Symbol(delivery.requestId);
    try {
      const result = await holdThroughOutage(work, {
        isTransient: (error) => holdCauseOf(error) !== undefined,
        maxHoldMs: this.limitMs - (Date.now() - delivery.receivedAt),
        signal: this.stopping.signal,
        onRetry: (error, retry) => this.holding(key, delivery, error, retry),
      });
      if (this.held.has(key))
        this.logger.log({
          message: 'held request resumed',
          request_id: delivery.requestId,
          held_ms: Date.now() - delivery.receivedAt,
        });
      return result;
    } catch (error) {
      const cause = holdCauseOf(error);
      if (cause === undefined) throw error;
      const end: HoldEnd = this.stopping.signal.aborted ? 'shutting down' : 'hold limit reached';
      this.logger.warn({
        message: 'held request handed back to the broker',
        request_id: delivery.requestId,
        end,
        cause,
        held_ms: Date.now() - delivery.receivedAt,
      });
      throw new HoldEndedError(delivery.requestId, end, cause, error);
    } finally {
      this.held.delete(key);
    }
  }

  /** Shutdown, before the consumer drains: no hold may keep a delivery from going back to the broker. */
  onModuleDestroy(): void {
    this.stopping.abort();
  }

  private holding(key: symbol, delivery: HeldDelivery, error: unknown, retry: number): void {
    const cause = holdCauseOf(error)!;
    const changed = this.held.get(key) !== cause;
    this.held.set(key, cause);
    if (changed || retry % LOG_EVERY_RETRIES === 0) {
      this.logger.warn({
        message: 'holding request',
        request_id: delivery.requestId,
        cause,
        retry,
        error: describeFailure(error),
      });
    }
  }
}
