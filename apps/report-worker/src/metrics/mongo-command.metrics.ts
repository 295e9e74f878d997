import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { CommandFailedEvent, CommandSucceededEvent } from 'mongodb';
import { Connection } from 'mongoose';
import { ReportMetrics } from './report.metrics';

/**
 * Times every MongoDB round trip from the driver's command monitoring (the connection is opened
 * with `monitorCommands: true`), so the store's share of a report is visible without wrapping each
 * repository call. Handshakes and heartbeats are not commands and are not counted.
 */
@Injectable()
export class MongoCommandMetrics implements OnModuleInit {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly metrics: ReportMetrics,
  ) {}

  onModuleInit(): void {
    const client = this.connection.getClient();
    const record = (result: string) => (event: CommandSucceededEvent | CommandFailedEvent) => {
      // `duration` is in ms per the driver's monitoring API.
      this.metrics.dependency.observe(
        { dependency: 'mongodb', operation: event.commandName, result },
        event.duration / 1000,
      );
    };
    client.on('commandSucceeded', record('ok'));
    client.on('commandFailed', record('error'));
  }
}
