import { EventMessage, parseEventMessage } from '@app/contracts';
import { ACK, DeliveriesInHand, DeliveryFailureRouter, DeliveryOutcome } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { holdThroughOutage, MicroBatcher } from '@app/common';
import { EventDeliveryObserver, EventDeliveryResult } from './event-delivery.observer';
import { batchParentage, currentSpanContext, inConsumeSpan, inSpan, SpanKind } from '@app/tracing';
import type { SpanContext } from '@opentelemetry/api';
import { EventDeliverySettings } from './event-delivery.settings';
import { EventStoreWriter } from './event-store.writer';

type Outcome = { kind: 'written' } | { kind: 'failed'; error: unknown } | { kind: 'handed-back' };
/**
 * An event and when its delivery arrived (a batch is held no longer than its oldest delivery
 * allows), with its delivery's span (the batch's write span hangs under the first and links all).
 */
type Arrival = { event: EventMessage; receivedAt: number; span?: SpanContext };
/** The outcome the consumer carries out, and what it meant for the delivery (for the observer). */
type Settled = { outcome: DeliveryOutcome; result: EventDeliveryResult };

/**
 * What happens to one delivery of a sink queue, whatever the store: validate it (invalid → DLQ at
 * once), write it with the deliveries around it in one batch, and ack only after the write
 * committed. A failed write goes to the sink's retry queues or the DLQ, acked once that copy is
 * confirmed. Its outcome is ack, or requeue (handed back to the broker), which the consumer
 * (SinkEventsConsumer) carries out.
 */
export class EventDeliveryProcessor {
  private readonly batcher: MicroBatcher<Arrival, Outcome>;
  private readonly logger: Logger;
  private outageRetries = 0;
  /** Deliveries between handle() and its answer: a drain waits for all of them. */
  private readonly inHand = new DeliveriesInHand();

  constructor(
    private readonly writer: EventStoreWriter,
    private readonly router: DeliveryFailureRouter,
    private readonly settings: EventDeliverySettings,
    private readonly observer?: EventDeliveryObserver,
  ) {
    this.logger = new Logger(`${settings.sink}-processor`);
    this.batcher = new MicroBatcher((events) => this.flush(events), {
      maxBatchSize: settings.batchSize,
      maxConcurrency: settings.concurrency,
    });
  }

  get queue(): string {
    return this.settings.retry.sinkQueue;
  }

  /** For probes and tests: events waiting or being written, and retries made during outages. */
  get stats(): { pending: number; outageRetries: number } {
    return { pending: this.batcher.size, outageRetries: this.outageRetries };
  }

  handle(body: unknown, message: ConsumeMessage): Promise<DeliveryOutcome> {
    return this.inHand.hold(async () => {
      const startedAt = performance.now();
      let result: EventDeliveryResult = 'requeue';
      try {
        const settled = await inConsumeSpan(
          {
            destination: this.queue,
            messageId: message.properties.messageId as string | undefined,
            headers: message.properties.headers,
          },
          () => this.process(body, message),
        );
        result = settled.result;
        return settled.outcome;
      } finally {
        this.observer?.delivered(this.queue, result, (performance.now() - startedAt) / 1000);
      }
    });
  }

  private async process(body: unknown, message: ConsumeMessage): Promise<Settled> {
    const parsed = parseEventMessage(body);
    if (!parsed.ok) return this.routeFailure(message, parsed.reason, true, idOf(body));
    const outcome = await this.batcher.add({ event: parsed.event, receivedAt: Date.now(), span: currentSpanContext() });
    if (outcome.kind === 'written') return { outcome: ACK, result: 'written' };
    if (outcome.kind === 'handed-back')
      return { outcome: { kind: 'requeue', reason: 'store unreachable at shutdown', held: true }, result: 'requeue' };
    return this.routeFailure(message, describeError(outcome.error), false, parsed.event.event_id);
  }

  /**
   * Shutdown, after the consumer was cancelled: wait until every delivery in hand is answered
   * (written and acked, or routed), so nothing is still writing when the store's driver closes.
   * After drainTimeoutMs stop holding through an outage: held deliveries go back to the broker.
   */
  drain(): Promise<void> {
    return this.inHand.drain(this.settings.drainTimeoutMs);
  }

  private async flush(arrivals: Arrival[]): Promise<Outcome[]> {
    const started = Date.now();
    const events = arrivals.map((arrival) => arrival.event);
    try {
      await holdThroughOutage(() => this.traceWrite(arrivals, () => this.writer.write(events)), {
        isTransient: (error) => this.writer.isTransient(error),
        maxHoldMs: this.settings.outageHoldMs,
        since: Math.min(...arrivals.map((arrival) => arrival.receivedAt)),
        signal: this.inHand.stopping,
        onRetry: (error, attempt) => this.logOutage(error, attempt, events.length),
      });
      this.logger.debug?.({
        msg: 'batch written',
        sink: this.settings.sink,
        events: events.length,
        ms: Date.now() - started,
      });
      return events.map(() => ({ kind: 'written' }));
    } catch (error) {
      if (this.writer.isTransient(error)) {
        const kind = this.inHand.stopping.aborted ? 'handed-back' : 'failed';
        return events.map(() => (kind === 'failed' ? { kind, error } : { kind }));
      }
      if (arrivals.length === 1) return [{ kind: 'failed', error }];
      return this.writeOneByOne(arrivals);
    }
  }

  /** A client span `<sink> write` per attempt at a batch (see batchParentage). */
  private traceWrite(arrivals: Arrival[], write: () => Promise<void>): Promise<void> {
    const attributes = { 'db.system.name': this.settings.sink, 'db.operation.batch.size': arrivals.length };
    const parentage = batchParentage(arrivals.map((arrival) => arrival.span));
    return inSpan(`${this.settings.sink} write`, { kind: SpanKind.CLIENT, attributes, ...parentage }, write);
  }

  /** The store refused the batch: write each event alone so only the culprit goes to retry. */
  private async writeOneByOne(arrivals: Arrival[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const arrival of arrivals) outcomes.push(...(await this.flush([arrival])));
    return outcomes;
  }

  private async routeFailure(
    message: ConsumeMessage,
    reason: string,
    permanent: boolean,
    eventId?: string,
  ): Promise<Settled> {
    try {
      const route = await this.router.route(message, this.settings.retry, reason, permanent);
      const msg = route.kind === 'retry' ? 'event scheduled for retry' : 'event dead-lettered';
      const delay = route.kind === 'retry' ? { delay_ms: route.delayMs } : {};
      this.logger.warn({
        msg,
        event_id: eventId,
        sink: this.settings.sink,
        attempts: route.attempts,
        ...delay,
        reason,
      });
      return { outcome: ACK, result: route.kind === 'retry' ? 'retry' : 'dead_letter' };
    } catch (error) {
      this.logger.error({
        msg: 'could not route a failed event; handing it back',
        event_id: eventId,
        error: describeError(error),
      });
      return { outcome: { kind: 'requeue', reason: describeError(error) }, result: 'requeue' };
    }
  }

  private logOutage(error: unknown, attempt: number, events: number): void {
    this.outageRetries++;
    if (attempt === 1 || attempt % 10 === 0) {
      this.logger.warn({
        msg: 'store unreachable; holding the batch',
        sink: this.settings.sink,
        events,
        attempt,
        error: describeError(error),
      });
    }
  }
}

/** Error name and message, plus the HTTP status and server message when a REST client threw it. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { status, data } = error as { status?: number; data?: { status?: { error?: string } } };
  const detail =
    typeof status === 'number' ? ` (HTTP ${status}${data?.status?.error ? `: ${data.status.error}` : ''})` : '';
  return `${error.name}: ${error.message}${detail}`;
}

function idOf(body: unknown): string | undefined {
  const id = (body as { event_id?: unknown } | null)?.event_id;
  return typeof id === 'string' ? id.slice(0, 128) : undefined;
}
