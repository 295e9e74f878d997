import { ReportWorkerEnv } from '@app/config';
import { RabbitTopology, reportTopologyFrom, requeueOnError } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/** `@RabbitSubscribe({ name })` of the webhook consumer. */
export const WEBHOOK_HANDLER_NAME = 'report-webhooks';

/** The golevelup channel the webhook consumer has to itself, so its prefetch bounds POSTs only. */
export const WEBHOOK_CHANNEL = 'webhooks';

const logger = new Logger('WebhookConsumer');

/**
 * The worker's golevelup connection: publishing on its default confirm channel, and, while
 * webhooks are on, the webhook consumer on a channel of its own with WEBHOOK_PREFETCH_COUNT. With
 * webhooks off the handler has no entry, so nothing is subscribed and no channel opened for it.
 */
export function webhookConsumerTopology(config: ConfigService): RabbitTopology {
  const webhooks = reportTopologyFrom(config as unknown as ConfigService<ReportWorkerEnv, true>).webhooks;
  if (!webhooks) return {};
  return {
    controllers: true,
    channels: { [WEBHOOK_CHANNEL]: { prefetchCount: config.getOrThrow<number>('WEBHOOK_PREFETCH_COUNT') } },
    handlers: {
      [WEBHOOK_HANDLER_NAME]: {
        queue: webhooks.queue,
        queueOptions: { ...webhooks.queueOptions, channel: WEBHOOK_CHANNEL },
        allowNonJsonMessages: true, // the raw body is what is POSTed; it is never parsed
        errorHandler: requeueOnError(logger, { queue: webhooks.queue }),
      },
    },
  };
}
