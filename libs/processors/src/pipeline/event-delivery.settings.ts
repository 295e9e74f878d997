import { EventSinkName, eventTopologyNames, sinkQueueName } from '@app/contracts';
import { queueKindFrom, RetryTarget } from '@app/messaging';
import { ConfigService } from '@nestjs/config';

export interface EventDeliverySettings {
  sink: EventSinkName;
  retry: RetryTarget;
  batchSize: number;
  /** Batches written at once per process. */
  concurrency: number;
  outageHoldMs: number;
  /** How long a shutdown waits for held batches before handing them back to the broker. */
  drainTimeoutMs: number;
}

/** The processor settings of one sink, from the validated environment (EventWorkerEnv). */
export function eventDeliverySettings(
  config: ConfigService,
  sink: EventSinkName,
  concurrency: number,
): EventDeliverySettings {
  const names = eventTopologyNames(config.getOrThrow<string>('EVENTS_TOPOLOGY_PREFIX'));
  return {
    sink,
    retry: {
      sinkQueue: sinkQueueName(names, sink),
      deadLetterQueue: names.deadLetterQueue,
      delaysMs: config.getOrThrow<number[]>('EVENT_RETRY_DELAYS_MS'),
      publishTimeoutMs: config.getOrThrow<number>('EVENTS_PUBLISH_TIMEOUT_MS'),
      queueKind: queueKindFrom(config),
      waitWhileBlockedMs: config.getOrThrow<number>('EVENTS_OUTAGE_HOLD_MS'),
    },
    batchSize: config.getOrThrow<number>('EVENTS_BATCH_SIZE'),
    concurrency,
    outageHoldMs: config.getOrThrow<number>('EVENTS_OUTAGE_HOLD_MS'),
    drainTimeoutMs: 10_000,
  };
}
