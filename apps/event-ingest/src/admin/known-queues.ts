import { EVENT_SINKS, EventSinkName, EventTopologyNames, retryQueueName, sinkQueueName } from '@app/contracts';

/**
 * Queue names the admin endpoints accept: the pipeline's own (full names, or the short aliases
 * `neo4j`, `qdrant`, `dlq`). Anything else is a 404, so the API cannot be used to inspect or purge
 * other applications' queues on a shared broker. Sinks outside EVENT_SINKS stay known, so an
 * operator can look at and purge what a retired sink's queue still holds.
 */
export class KnownQueues {
  private readonly byName = new Map<string, string>();

  constructor(
    readonly names: EventTopologyNames,
    readonly retryDelaysMs: readonly number[],
    /** EVENT_SINKS: the sinks whose queues this deployment declares and binds. */
    readonly chosenSinks: readonly EventSinkName[],
  ) {
    const sinks = { neo4j: names.neo4jQueue, qdrant: names.qdrantQueue };
    for (const [alias, queue] of Object.entries({ ...sinks, dlq: names.deadLetterQueue })) {
      this.byName.set(alias, queue);
      this.byName.set(queue, queue);
    }
    for (const queue of Object.values(sinks)) {
      for (const delay of retryDelaysMs) this.byName.set(retryQueueName(queue, delay), retryQueueName(queue, delay));
    }
  }

  resolve(name: string): string | undefined {
    return this.byName.get(name);
  }

  /**
   * Where DLQ replay may send messages back to: the chosen sinks only. A retired sink's queue may
   * be gone, and the broker drops a message sent to a missing queue, so its letters stay in the DLQ.
   */
  get sinkQueues(): string[] {
    return this.chosenSinks.map((sink) => sinkQueueName(this.names, sink));
  }

  /** Sink queues the deployment does not run: unbound from the fanout, their messages kept. */
  get retiredSinkQueues(): string[] {
    return EVENT_SINKS.filter((sink) => !this.chosenSinks.includes(sink)).map((sink) =>
      sinkQueueName(this.names, sink),
    );
  }
}
