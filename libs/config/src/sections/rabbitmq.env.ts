import { Matches } from 'class-validator';

export class RabbitMqEnv {
  /**
   * No credentials in code: without them in the URL, amqplib logs in as RabbitMQ's default `guest`
   * (which RabbitMQ accepts on loopback only). Put your user in the URL (see .env.example).
   */
  @Matches(/^amqps?:\/\/[^\s]+$/, { message: '$property must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL = 'amqp://127.0.0.1:5672';
}
