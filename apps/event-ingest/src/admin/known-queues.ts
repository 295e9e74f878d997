import { EventTopologyNames, retryQueueName } from '@app/contracts';

/**
 * Queue names the admin endpoints accept: the pipeline's own (full names, or the short aliases
 * `neo4j`, `qdrant`, `dlq`). Anything else is a 404, so the API cannot be used to inspect or purge
 * other applications' queues on a shared broker.
 */
export class KnownQueues {
  private readonly byName = new Map<string, string>();

  constructor(
    readonly names: EventTopologyNames,
    retryDelaysMs: number[],
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

  /** Where DLQ replay may send messages back to. */
  get sinkQueues(): string[] {
    return [this.names.neo4jQueue, this.names.qdrantQueue];
  }
}
