import { Matches } from 'class-validator';

export class RabbitMqEnv {
  @Matches(/^amqps?:\/\/[^\s]+$/, { message: '$property must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  /** Management API, used by the queue admin endpoints and the health details. */
  @Matches(/^https?:\/\/[^\s]+$/, { message: '$property must be an http:// or https:// URL' })
  RABBITMQ_MANAGEMENT_URL = 'http://guest:guest@127.0.0.1:15672';
}
