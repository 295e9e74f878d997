import { IsString } from 'class-validator';
import { EnvBoolean, EnvInt, EnvParsed } from '../env.decorators';
import { ReportReaders } from './report-readers';
import { parseSigningKeys } from './signing-keys';

/** Who may read and delete reports, and whether request messages must be signed. */
export class ReportAccessEnv {
  /**
   * Who may send report.status, report.get, report.list and report.delete, and whose reports they
   * see: `<caller>:<user_id pattern>`, comma-separated, the pattern `*` (every user), `prefix*` or an
   * exact user_id. A caller is a broker user (the message's AMQP `user_id` property, which RabbitMQ
   * checks against the connection's login) or a signing client (REPORT_SIGNING_KEYS). Empty: nobody.
   */
  @IsString()
  @EnvParsed((value) => ReportReaders.parse(value))
  REPORT_READERS = '';

  /** `<client>:<base64 of 32+ random bytes>`, comma-separated: the keys of clients that sign their messages. */
  @IsString()
  @EnvParsed((value) => parseSigningKeys(value))
  REPORT_SIGNING_KEYS = '';

  /** true: a request or query without a valid, fresh signature is refused (dead-lettered, or answered forbidden). */
  @EnvBoolean()
  REPORT_REQUIRE_SIGNED = false;

  /** A signed message older than this (by its x-signed-at) is refused as expired; also the clock skew allowed ahead. */
  @EnvInt(1000, 24 * 3600 * 1000)
  REPORT_SIGNATURE_MAX_AGE_MS = 300_000;
}
