import { EventSinkName, eventTopologyNames, sinkQueueName } from '@app/contracts';
import {
  buildEventTopology,
  EventTopologySettings,
  queueKindFrom,
  RabbitTopology,
  requeueOnError,
  sinkQueueOptions,
} from '@app/messaging';
import { MessageHandlerOptions } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/** `@RabbitSubscribe({ name })` of each sink's message controller. */
export const EVENT_HANDLER_NAMES: Record<EventSinkName, string> = {
  neo4j: 'events-neo4j-processor',
  qdrant: 'events-qdrant-processor',
};

function eventTopologySettings(config: ConfigService): EventTopologySettings {
  return {
    names: eventTopologyNames(config.getOrThrow<string>('EVENTS_TOPOLOGY_PREFIX')),
    messageTtlMs: config.getOrThrow<number>('EVENTS_MESSAGE_TTL_MS'),
    maxLength: config.getOrThrow<number>('EVENTS_MAX_LENGTH'),
    retryDelaysMs: config.getOrThrow<number[]>('EVENT_RETRY_DELAYS_MS'),
    sinks: config.getOrThrow<EventSinkName[]>('EVENT_SINKS'),
    queueKind: queueKindFrom(config),
  };
}

const logger = new Logger('EventConsumer');

/**
 * Exchanges, queues and the consumers of the chosen sinks. Processors catch their own failures;
 * the error handler sees an ack refused by a closed channel, and what escaped a processor (a bug).
 */
export function eventPipelineTopology(config: ConfigService, sinks: EventSinkName[]): RabbitTopology {
  const settings = eventTopologySettings(config);
  const handlers: Record<string, MessageHandlerOptions> = {};
  for (const sink of sinks) {
    handlers[EVENT_HANDLER_NAMES[sink]] = {
      queue: sinkQueueName(settings.names, sink),
      queueOptions: sinkQueueOptions(settings, sink),
      // Bound here as well as in the topology, so a queue declared again on resubscription is bound too.
      exchange: settings.names.exchange,
      routingKey: '',
      allowNonJsonMessages: true, // a non-JSON body reaches the processor as text and is dead-lettered
      errorHandler: requeueOnError(logger, { sink }),
    };
  }
  return {
    ...buildEventTopology(settings),
    controllers: true,
    prefetchCount: config.getOrThrow<number>('EVENTS_PREFETCH'),
    handlers,
  };
}
