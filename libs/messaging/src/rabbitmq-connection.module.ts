import {
  MessageHandlerOptions,
  RabbitMQExchangeConfig,
  RabbitMQChannels,
  RabbitMQModule,
  RabbitMQQueueConfig,
} from '@golevelup/nestjs-rabbitmq';
import { readTlsFiles, SettingsReader, TlsFiles } from '@app/config';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { ConfirmedPublisher } from './confirmed.publisher';
import { RabbitMqHealthIndicator } from './rabbitmq.health-indicator';

export interface RabbitTopology {
  exchanges?: RabbitMQExchangeConfig[];
  queues?: RabbitMQQueueConfig[];
  /** Message handlers live in controllers (see DESIGN.md: golevelup needs this to find them). */
  controllers?: boolean;
  prefetchCount?: number;
  /** Channels of their own for consumers, each with its prefetch (a handler names one in `queueOptions.channel`). */
  channels?: RabbitMQChannels;
  /**
   * Per-handler settings keyed by the `name` given to `@RabbitSubscribe({ name })`: queue names
   * and options decided at boot from settings. A named handler missing here is not subscribed.
   */
  handlers?: Record<string, MessageHandlerOptions>;
}

/** A topology fixed in code, or built from the validated settings when the module starts. */
export type RabbitTopologySource = RabbitTopology | ((config: ConfigService) => RabbitTopology);

/**
 * amqplib's socket options for the broker, for every connection of the process (this module's and
 * the report worker's consumer): the CA, client certificate and key of the RABBITMQ_TLS_* settings,
 * read once. amqplib uses them for amqps:// URLs and ignores them for amqp:// ones.
 */
export function amqpTlsOptions(config: SettingsReader): TlsFiles {
  return readTlsFiles(config, {
    ca: 'RABBITMQ_TLS_CA_FILE',
    cert: 'RABBITMQ_TLS_CERT_FILE',
    key: 'RABBITMQ_TLS_KEY_FILE',
  });
}

/**
 * The app's one AMQP connection (golevelup): confirm channels, topology declared on every
 * (re)connect, and start-up that does not wait for the broker, so readiness can report it instead.
 */
@Module({})
export class RabbitConnectionModule {
  static forRoot(source: RabbitTopologySource = {}): DynamicModule {
    return {
      module: RabbitConnectionModule,
      global: true,
      imports: [
        TerminusModule,
        RabbitMQModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const topology = typeof source === 'function' ? source(config) : source;
            return {
              uri: config.getOrThrow<string[]>('RABBITMQ_URL'),
              exchanges: topology.exchanges ?? [],
              queues: topology.queues ?? [],
              prefetchCount: topology.prefetchCount ?? 10,
              channels: topology.channels ?? {},
              enableControllerDiscovery: topology.controllers ?? false,
              handlers: topology.handlers ?? {},
              connectionInitOptions: { wait: false },
              connectionManagerOptions: {
                heartbeatIntervalInSeconds: 5,
                reconnectTimeInSeconds: 1,
                connectionOptions: amqpTlsOptions(config),
              },
            };
          },
        }),
      ],
      providers: [RabbitMqHealthIndicator, ConfirmedPublisher],
      exports: [RabbitMQModule, RabbitMqHealthIndicator, ConfirmedPublisher],
    };
  }
}
