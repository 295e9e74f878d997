import { EventMessage } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Driver, isRetryableError } from 'neo4j-driver';
import { NEO4J_DRIVER } from './neo4j-driver.token';
import { SCHEMA_STATEMENTS, WRITE_INTERACTIONS } from './neo4j-interaction.cypher';

type EventRow = Pick<
  EventMessage,
  'event_id' | 'user_id' | 'product_id' | 'event_type' | 'user_session' | 'timestamp'
> & {
  price: number | null;
  category: string | null;
};

/**
 * Writes events into the interaction graph, a batch per write transaction. Used by the Neo4j
 * processor and by POST /events when USE_RABBITMQ=false, so both paths produce the same graph.
 */
@Injectable()
export class Neo4jEventWriter {
  private readonly logger = new Logger(Neo4jEventWriter.name);
  private schemaReady?: Promise<void>;
  private readonly database: string;

  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    config: ConfigService,
  ) {
    this.database = config.get<string>('NEO4J_DATABASE') ?? 'neo4j';
  }

  /** Commits the batch or throws; the caller acks the deliveries only after this resolves. */
  async write(events: EventMessage[]): Promise<void> {
    if (events.length === 0) return;
    await this.ensureSchema();
    const session = this.driver.session({ database: this.database });
    try {
      await session.executeWrite((tx) => tx.run(WRITE_INTERACTIONS, { events: toRows(events) }));
    } finally {
      await session.close();
    }
  }

  /** Unreachable server, expired session, deadlock: a later attempt may succeed as it is. */
  isTransient(error: unknown): boolean {
    return isRetryableError(error as Error);
  }

  /** Created once per process, before the first write; retried on the next write if Neo4j was down. */
  ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((error) => {
      this.schemaReady = undefined;
      throw error;
    });
    return this.schemaReady;
  }

  private async createSchema(): Promise<void> {
    for (const statement of SCHEMA_STATEMENTS) {
      await this.driver.executeQuery(statement, {}, { database: this.database });
    }
    this.logger.log({ msg: 'neo4j constraints in place', constraints: SCHEMA_STATEMENTS.length });
  }
}

/**
 * One row per event_id (a duplicate in the same batch would be a second fresh receipt), sorted by
 * user then product so concurrent transactions lock nodes in the same order and rarely deadlock.
 */
export function toRows(events: EventMessage[]): EventRow[] {
  const unique = new Map<string, EventRow>();
  for (const event of events) {
    if (unique.has(event.event_id)) continue;
    unique.set(event.event_id, {
      event_id: event.event_id,
      user_id: event.user_id,
      product_id: event.product_id,
      event_type: event.event_type,
      user_session: event.user_session,
      timestamp: event.timestamp,
      price: event.price ?? null,
      category: event.category ?? null,
    });
  }
  return [...unique.values()].sort((a, b) => compare(a.user_id, b.user_id) || compare(a.product_id, b.product_id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
