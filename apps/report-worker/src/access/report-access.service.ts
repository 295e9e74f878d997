import { parseSigningKeys, ReportReaders, ReportWorkerEnv } from '@app/config';
import { REPORT_SIGNATURE_HEADERS, signatureMatches } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Delivery } from '@app/messaging';
import { AccessRefusedError, ANONYMOUS, ReportCaller } from './report-caller';

/**
 * Who a message comes from, and whether it may read. Two identities count, both checked:
 * - a broker user: the AMQP `user_id` property, which RabbitMQ refuses unless it names the login
 *   of the publishing connection (only users tagged `impersonator` can set another);
 * - a signing client: `x-signed-by` / `x-signed-at` / `x-signature`, an HMAC over the body under
 *   the client's key in REPORT_SIGNING_KEYS, fresh within REPORT_SIGNATURE_MAX_AGE_MS.
 * Queries need a caller listed in REPORT_READERS, and see only the users its patterns match.
 */
@Injectable()
export class ReportAccessService {
  private readonly readers: ReportReaders;
  private readonly signingKeys: ReadonlyMap<string, Buffer>;
  private readonly requireSigned: boolean;
  private readonly maxAgeMs: number;

  constructor(config: ConfigService<ReportWorkerEnv, true>) {
    this.readers = ReportReaders.parse(config.get('REPORT_READERS', { infer: true }));
    this.signingKeys = parseSigningKeys(config.get('REPORT_SIGNING_KEYS', { infer: true }));
    this.requireSigned = config.get('REPORT_REQUIRE_SIGNED', { infer: true });
    this.maxAgeMs = config.get('REPORT_SIGNATURE_MAX_AGE_MS', { infer: true });
  }

  /** The caller of any message; throws AccessRefusedError for a bad or stale signature, or a missing one where required. */
  callerOf(message: Delivery, now = Date.now()): ReportCaller {
    const headers = message.properties.headers ?? {};
    const signedBy = headers[REPORT_SIGNATURE_HEADERS.signedBy];
    if (signedBy !== undefined) return this.signer(message, String(signedBy), now);
    if (this.requireSigned)
      throw new AccessRefusedError('unsigned message: this worker requires signed messages (REPORT_REQUIRE_SIGNED)');
    const userId = message.properties.userId as string | undefined;
    return userId ? { id: userId, via: 'broker_user' } : ANONYMOUS;
  }

  /** The caller of a query: a reader, or AccessRefusedError. */
  readerOf(message: Delivery): ReportCaller {
    const caller = this.callerOf(message);
    if (!this.readers.isReader(caller.id)) {
      const who = caller.id
        ? `${caller.via === 'signature' ? 'client' : 'broker user'} ${caller.id} is not`
        : 'the message names no broker user (AMQP user_id) or signing client, and anonymous callers are not';
      throw new AccessRefusedError(`${who} allowed to read reports (REPORT_READERS)`, caller);
    }
    return caller;
  }

  maySee(caller: ReportCaller, userId: string): boolean {
    return this.readers.maySee(caller.id, userId);
  }

  private signer(message: Delivery, client: string, now: number): ReportCaller {
    const headers = message.properties.headers ?? {};
    const key = this.signingKeys.get(client);
    if (!key) throw new AccessRefusedError(`signature: client ${client} has no key here (REPORT_SIGNING_KEYS)`);
    const signedAt = String(headers[REPORT_SIGNATURE_HEADERS.signedAt] ?? '');
    const signature = String(headers[REPORT_SIGNATURE_HEADERS.signature] ?? '');
    if (!signatureMatches(signature, key, client, signedAt, message.content))
      throw new AccessRefusedError(`signature: does not match the message of client ${client}`);
    const age = now - Date.parse(signedAt);
    if (!Number.isFinite(age) || age > this.maxAgeMs || age < -this.maxAgeMs)
      throw new AccessRefusedError(`signature: expired or not yet valid (signed at ${signedAt.slice(0, 40)})`);
    return { id: client, via: 'signature' };
  }
}
