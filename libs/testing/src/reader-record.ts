import { RmqRecord, RmqRecordBuilder } from '@nestjs/microservices';
import { serviceUrls } from './service-urls';

/** The broker user a spec's connections log in as (serviceUrls.rabbitmq). */
export const specBrokerUser = decodeURIComponent(new URL(serviceUrls.rabbitmq).username) || 'guest';

/**
 * A Nest ClientProxy payload that names the spec's broker user in the AMQP `user_id` property, as
 * a reader's query must (the worker allows the users of REPORT_READERS; the broker checks the name).
 */
export function asReader<T>(data: T, user = specBrokerUser): RmqRecord<T> {
  return new RmqRecordBuilder(data).setOptions({ userId: user }).build();
}
