import { RabbitMqHealthIndicator } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { ConsumerStatus } from '../transport/report-rmq.server';

/** What readiness reads of the consumer (ReportRmqServer). */
export interface ConsumerStatusSource {
  readonly consumerStatus: ConsumerStatus;
}

/**
 * RabbitMQ readiness of the worker, over its two connections: the consumer is subscribed to the
 * request queue, and the publishing connection (responses, retries, dead letters) has declared its
 * topology. Either can be down alone; the message names which.
 *
 * A consumer that this process never started (an app booted for its HTTP side only) is not
 * required; main.ts starts it before the health port opens, so a worker never reports that.
 */
@Injectable()
export class ReportBrokerHealthIndicator {
  private consumer?: ConsumerStatusSource;

  constructor(
    private readonly publisher: RabbitMqHealthIndicator,
    private readonly health: HealthIndicatorService,
  ) {}

  /** configureApp hands over the consumer it attaches to the app. */
  watch(consumer: ConsumerStatusSource): void {
    this.consumer = consumer;
  }

  async check(key = 'rabbitmq'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const consumer = this.consumer?.consumerStatus ?? 'not started';
    const publisher = (await this.publisher.check(key))[key];
    const causes: string[] = [];
    if (consumer !== 'consuming' && consumer !== 'not started') causes.push(`consumer not consuming: ${consumer}`);
    if (publisher.status !== 'up') causes.push(`publisher ${publisher.message}`);
    if (causes.length > 0) return indicator.down({ message: causes.join('; ') });
    return consumer === 'not started' ? indicator.up({ consumer }) : indicator.up();
  }
}
