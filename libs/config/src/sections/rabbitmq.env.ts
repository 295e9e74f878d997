import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments } from 'class-validator';

const BROKER_URL = /^amqps?:\/\/[^\s,]+$/;
const URL_LIST_MESSAGE = '$property must be an amqp:// or amqps:// URL, or several separated by commas (one per cluster node)';

/** "amqp://a, amqp://b" to ['amqp://a', 'amqp://b']; a single URL is a list of one. */
function splitUrlList(value: unknown): unknown {
  return typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
}

/** The position of the first entry that is not a broker URL, or -1. */
function badEntry(urls: unknown): number {
  if (!Array.isArray(urls) || urls.length === 0) return 0;
  return urls.findIndex((url) => typeof url !== 'string' || !BROKER_URL.test(url) || !URL.canParse(url));
}

/** Names a bad entry of a list by its position only: the entry itself may carry credentials. */
function describeBadEntry(urls: unknown): string {
  if (!Array.isArray(urls) || urls.length < 2) return URL_LIST_MESSAGE;
  const index = badEntry(urls);
  return `${URL_LIST_MESSAGE}; URL ${index + 1} of ${urls.length} is ${urls[index] === '' ? 'empty' : 'not one'}`;
}

function EnvBrokerUrlList(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => splitUrlList(value)),
    ValidateBy({
      name: 'brokerUrlList',
      validator: {
        validate: (urls: unknown) => badEntry(urls) < 0,
        defaultMessage: (args?: ValidationArguments) => describeBadEntry(args?.value),
      },
    }),
  );
}

export class RabbitMqEnv {
  /**
   * The broker, or the nodes of one RabbitMQ cluster: both apps connect to the first that answers
   * and, when that connection drops, go on to the next in the list (round robin).
   * No credentials in code: without them in the URL, amqplib logs in as RabbitMQ's default `guest`
   * (which RabbitMQ accepts on loopback only). Put your user in the URL (see .env.example).
   */
  @EnvBrokerUrlList()
  RABBITMQ_URL: string[] = ['amqp://127.0.0.1:5672'];
}
