import { EventWorkerEnv, settingsModule } from '@app/config';
import { EventSinkName, eventTopologyNames, sinkQueueName } from '@app/contracts';
import { QueueAdminService, RabbitConnectionModule } from '@app/messaging';
import { eventPipelineTopology } from '@app/processors';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';

@Module({})
class DlqCommandModule {
  static forRoot(settings: EventWorkerEnv): DynamicModule {
    return {
      module: DlqCommandModule,
      imports: [
        settingsModule(EventWorkerEnv, settings),
        RabbitConnectionModule.forRoot((config) => eventPipelineTopology(config, [])),
      ],
      providers: [QueueAdminService],
    };
  }
}

/**
 * `worker dlq list|replay`: the admin endpoints' DLQ actions from a shell, with the same code.
 * Replay sends letters back to the sinks of EVENT_SINKS only, as the endpoint does.
 * Prints one JSON document on stdout.
 */
export async function runDlqCommand(action: 'list' | 'replay', limit: number, settings: EventWorkerEnv): Promise<void> {
  const app = await NestFactory.createApplicationContext(DlqCommandModule.forRoot(settings), { logger: ['error'] });
  let result: unknown;
  try {
    const amqp = app.get(AmqpConnection);
    const deadline = Date.now() + 15_000;
    while (!amqp.managedConnection.isConnected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const config = app.get(ConfigService);
    const names = eventTopologyNames(config.getOrThrow<string>('EVENTS_TOPOLOGY_PREFIX'));
    const admin = app.get(QueueAdminService);
    result =
      action === 'list'
        ? { queue: names.deadLetterQueue, messages: await admin.peek(names.deadLetterQueue, limit) }
        : await admin.replay(
            names.deadLetterQueue,
            limit,
            config.getOrThrow<EventSinkName[]>('EVENT_SINKS').map((sink) => sinkQueueName(names, sink)),
          );
  } finally {
    await app.close();
  }
  // Printed after the connection closed, so no log line can follow the document on the terminal.
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
