import { RabbitMQExchangeConfig, RabbitMQModule, RabbitMQQueueConfig } from '@golevelup/nestjs-rabbitmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { RabbitMqHealthIndicator } from './rabbitmq.health-indicator';

export interface RabbitTopology {
  exchanges?: RabbitMQExchangeConfig[];
  queues?: RabbitMQQueueConfig[];
  /** Message handlers live in controllers (see DESIGN.md: golevelup needs this to find them). */
  controllers?: boolean;
  prefetchCount?: number;
}

/**
 * The app's one AMQP connection (golevelup): confirm channels, topology declared on every
 * (re)connect, and start-up that does not wait for the broker, so readiness can report it instead.
 */
@Module({})
export class RabbitConnectionModule {
  static forRoot(topology: RabbitTopology = {}): DynamicModule {
    return {
      module: RabbitConnectionModule,
      global: true,
      imports: [
        TerminusModule,
        RabbitMQModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            uri: config.getOrThrow<string>('RABBITMQ_URL'),
            exchanges: topology.exchanges ?? [],
            queues: topology.queues ?? [],
            prefetchCount: topology.prefetchCount ?? 10,
            enableControllerDiscovery: topology.controllers ?? false,
            connectionInitOptions: { wait: false },
            connectionManagerOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 },
          }),
        }),
      ],
      providers: [RabbitMqHealthIndicator],
      exports: [RabbitMQModule, RabbitMqHealthIndicator],
    };
  }
}
