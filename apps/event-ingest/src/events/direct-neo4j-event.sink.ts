import { EventMessage } from '@app/contracts';
import { Neo4jEventWriter } from '@app/processors';
import { Injectable, Logger } from '@nestjs/common';
import { EventSink, IngestUnavailableError } from './event.sink';

/**
 * USE_RABBITMQ=false (the fallback without a broker): the request writes to Neo4j itself, with the same
 * writer and idempotency as the processor, and answers 201 after the commit. A batch is one
 * transaction, so its events succeed or fail together.
 */
@Injectable()
export class DirectNeo4jEventSink implements EventSink {
  readonly acceptedStatus = 201 as const;
  private readonly logger = new Logger('DirectNeo4jWriter');

  constructor(private readonly writer: Neo4jEventWriter) {}

  async accept(events: EventMessage[]): Promise<Array<Error | undefined>> {
    try {
      await this.writer.write(events);
      return events.map(() => undefined);
    } catch (error) {
      this.logger.warn({
        msg: 'events not written',
        event_ids: events.slice(0, 10).map((e) => e.event_id),
        error: String(error),
      });
      const failure = this.writer.isTransient(error)
        ? new IngestUnavailableError('the graph database is unreachable')
        : (error as Error);
      return events.map(() => failure);
    }
  }
}
