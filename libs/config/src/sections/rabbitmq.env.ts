import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments } from 'class-validator';
import { EnvBoolean } from '../env.decorators';
import { EnvReadableFile, EnvSetWith, EnvTlsWhenRequired } from '../tls.decorators';

const BROKER_URL = /^amqps?:\/\/[^\s,]+$/;
const URL_LIST_MESSAGE =
  '$property must be an amqp:// or amqps:// URL, or several separated by commas (one per cluster node)';

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
  @EnvTlsWhenRequired('RABBITMQ_TLS_REQUIRED', everyUrlIsAmqps, 'amqps:// (every URL of the list)')
  RABBITMQ_URL: string[] = ['amqp://127.0.0.1:5672'];

  /** Refuse a plaintext broker URL at boot: every URL must be amqps://. */
  @EnvBoolean()
  RABBITMQ_TLS_REQUIRED = false;

  /** For amqps:// URLs: the PEM bundle of the CAs that sign the broker's certificate (unset: Node's default CAs). */
  @EnvReadableFile()
  RABBITMQ_TLS_CA_FILE?: string;

  /** For amqps:// URLs: the client certificate (PEM) a broker that verifies peers asks for, with its key. */
  @EnvReadableFile()
  @EnvSetWith('RABBITMQ_TLS_KEY_FILE')
  RABBITMQ_TLS_CERT_FILE?: string;

  @EnvReadableFile()
  @EnvSetWith('RABBITMQ_TLS_CERT_FILE')
  RABBITMQ_TLS_KEY_FILE?: string;
}

function everyUrlIsAmqps(urls: unknown): boolean {
  return Array.isArray(urls) && urls.every((url) => typeof url === 'string' && url.startsWith('amqps://'));
}
