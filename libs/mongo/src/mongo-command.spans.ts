import { activeTracer, markFailed, SpanKind } from '@app/tracing';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { context, type Span, trace } from '@opentelemetry/api';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { Connection } from 'mongoose';

/**
 * A client span `<command> <collection>` per MongoDB round trip, from the driver's command
 * monitoring (the connection opened with `monitorCommands: true`), so no repository call is
 * wrapped. Only under a span already active (a report request): the driver's own traffic and a
 * group commit flushed outside any request make no traces of their own. A group commit
 * (BulkWriteBatcher) appears under the request whose write started it.
 */
@Injectable()
export class MongoCommandSpans implements OnModuleInit {
  private readonly open = new Map<number, Span>();

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    const client = this.connection.getClient();
    client.on('commandStarted', (event: CommandStartedEvent) => this.started(event));
    client.on('commandSucceeded', (event: CommandSucceededEvent) => this.finished(event));
    client.on('commandFailed', (event: CommandFailedEvent) => this.finished(event, event.failure));
  }

  private started(event: CommandStartedEvent): void {
    const tracer = activeTracer();
    if (!tracer || !trace.getSpan(context.active())) return;
    const target: unknown = event.command[event.commandName];
    const collection = typeof target === 'string' ? target : undefined;
    const span = tracer.startSpan(collection ? `${event.commandName} ${collection}` : event.commandName, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'mongodb',
        'db.namespace': event.databaseName,
        'db.operation.name': event.commandName,
        ...(collection ? { 'db.collection.name': collection } : {}),
      },
    });
    this.open.set(event.requestId, span);
  }

  private finished(event: CommandSucceededEvent | CommandFailedEvent, failure?: Error): void {
    const span = this.open.get(event.requestId);
    if (!span) return;
    this.open.delete(event.requestId);
    if (failure) markFailed(span, failure);
    span.end();
  }
}
