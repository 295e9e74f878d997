import { IsString, MinLength, ValidateIf } from 'class-validator';
import { EnvBoolean, EnvDelayList, EnvInt, EnvParsed } from '../env.decorators';
import { parseWebhookHosts } from './webhook-hosts';

/**
 * Webhooks: a request's optional callback_url gets the response POSTed, signed, with retries
 * through the broker. Off while WEBHOOK_SECRET is empty (a request with a callback_url is refused).
 */
export class WebhookEnv {
  /** The HMAC-SHA256 key (its UTF-8 bytes) of X-Report-Signature; empty turns webhooks off. */
  @IsString()
  @ValidateIf((env: WebhookEnv) => env.WEBHOOK_SECRET !== '')
  @MinLength(32, { message: '$property must be empty (webhooks off) or at least 32 characters' })
  WEBHOOK_SECRET = '';

  /** `host[:port]`, comma-separated: the only hosts a callback_url may name. A host alone allows the scheme's default port only. */
  @IsString()
  @EnvParsed((value) => parseWebhookHosts(value))
  WEBHOOK_ALLOWED_HOSTS = '';

  /** true: http:// callback URLs are allowed too (a receiver inside the cluster); https only otherwise. */
  @EnvBoolean()
  WEBHOOK_ALLOW_HTTP = false;

  /** POSTs of one webhook before it goes to the webhook dead-letter queue. */
  @EnvInt(1, 100)
  WEBHOOK_MAX_ATTEMPTS = 6;

  /** Broker-side delay before each retry of a webhook; the last value repeats. */
  @EnvDelayList()
  WEBHOOK_RETRY_DELAYS_MS: number[] = [5000, 30000, 300000];

  /** How long one POST may take (connect to the end of the answer's headers) before it counts as failed. */
  @EnvInt(100, 120_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** Webhook POSTs in flight per worker process (the webhook consumer's own channel). */
  @EnvInt(1, 256)
  WEBHOOK_PREFETCH_COUNT = 8;
}
