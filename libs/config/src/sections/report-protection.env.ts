import { ContentHmac, KeyRing } from '@app/crypto';
import { EnvInt, EnvParsed } from '../env.decorators';

const DAY_MS = 24 * 3600 * 1000;

/** How patient data is protected at rest and how long it is kept. No key has a default: the worker does not start without them. */
export class ReportProtectionEnv {
  /** `<id>:<base64 of 32 bytes>`, comma-separated; the first seals, the others only open (see KeyRing). */
  @EnvParsed((value) => KeyRing.parse(value))
  REPORT_ENCRYPTION_KEYS: string;

  /** Base64 of 32+ random bytes: the key of the content fingerprint that lets identical requests share a report. */
  @EnvParsed((value) => new ContentHmac(value))
  REPORT_CONTENT_HMAC_KEY: string;

  /** Days a report, its job and its reuse entry are kept; cached copies never outlive it. */
  @EnvInt(1, 3650)
  REPORT_RETENTION_DAYS = 365;

  /** How long a dead-lettered request stays in the report dead-letter queue (sealed) before the broker drops it. */
  @EnvInt(60_000, 365 * DAY_MS)
  REPORT_DLQ_TTL_MS = 14 * DAY_MS;

  /** Most dead letters the report dead-letter queue holds; when full, a further one waits in its queue instead. */
  @EnvInt(1, 10_000_000)
  REPORT_DLQ_MAX_LENGTH = 100_000;
}
