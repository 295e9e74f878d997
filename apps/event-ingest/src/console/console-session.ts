import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie that carries a console login; scoped to /console, so no other endpoint ever sees it. */
export const SESSION_COOKIE = 'console_session';
export const SESSION_COOKIE_PATH = '/console';

const VERSION = 'v1';

/**
 * Console sessions, signed and stateless: `v1.<expires at, ms>.<random id>.<HMAC-SHA256>`, under
 * a key derived from ADMIN_TOKEN, so every replica accepts them and rotating the token ends them
 * all. Logging out forgets the session in this process (and the browser drops the cookie).
 */
export class ConsoleSessions {
  private readonly key: Buffer;
  /** Ids logged out before they expired, with their expiry, so the set forgets them in time. */
  private readonly revoked = new Map<string, number>();

  constructor(
    adminToken: string,
    readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', adminToken).update('console-session-key').digest();
  }

  issue(): string {
    const payload = `${VERSION}.${this.now() + this.lifetimeMs}.${randomBytes(18).toString('base64url')}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** Whether `value` is a session this key signed that has neither expired nor been logged out. */
  isValid(value: string | undefined): boolean {
    const session = value === undefined ? undefined : this.parse(value);
    return session !== undefined && session.expiresAt > this.now() && !this.revoked.has(session.id);
  }

  revoke(value: string | undefined): void {
    const session = value === undefined ? undefined : this.parse(value);
    if (!session) return;
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= this.now()) this.revoked.delete(id);
    this.revoked.set(session.id, session.expiresAt);
  }

  /** The signed fields of a well-formed, correctly signed value; undefined for anything else. */
  private parse(value: string): { expiresAt: number; id: string } | undefined {
    const parts = value.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION || !/^\d{1,15}$/.test(parts[1])) return undefined;
    const given = Buffer.from(parts[3], 'base64url');
    const expected = Buffer.from(this.sign(parts.slice(0, 3).join('.')), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { expiresAt: Number(parts[1]), id: parts[2] };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a login: unreadable by scripts, never sent cross-site, Secure when the page came over https. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`Path=${SESSION_COOKIE_PATH}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  return [`${SESSION_COOKIE}=${value}`, ...attributes, ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
