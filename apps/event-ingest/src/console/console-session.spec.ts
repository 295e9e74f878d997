import { clearedSessionCookie, ConsoleSessions, cookieValue, sessionCookie } from './console-session';

const TOKEN = 'an-admin-token-of-enough-length';
const HOUR = 3600_000;

describe('ConsoleSessions', () => {
  let now: number;
  const sessions = (token = TOKEN) => new ConsoleSessions(token, 8 * HOUR, () => now);

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
  });

  it('accepts a session it issued, and each login gets a different one', () => {
    const store = sessions();
    const first = store.issue();
    expect(store.isValid(first)).toBe(true);
    expect(store.issue()).not.toBe(first);
  });

  it('accepts a session issued by another replica holding the same ADMIN_TOKEN', () => {
    expect(sessions().isValid(sessions().issue())).toBe(true);
  });

  it('refuses a session once it has expired', () => {
    const store = sessions();
    const value = store.issue();
    now += 8 * HOUR - 1;
    expect(store.isValid(value)).toBe(true);
    now += 1;
    expect(store.isValid(value)).toBe(false);
  });

  it('refuses every session after ADMIN_TOKEN is rotated', () => {
    expect(sessions(`${TOKEN}-rotated`).isValid(sessions().issue())).toBe(false);
  });

  it('refuses a session whose expiry was moved, whose id was changed or whose signature was cut', () => {
    const store = sessions();
    const [version, expires, id, signature] = store.issue().split('.');
    expect(store.isValid([version, Number(expires) + HOUR, id, signature].join('.'))).toBe(false);
    expect(store.isValid([version, expires, `${id}x`, signature].join('.'))).toBe(false);
    expect(store.isValid([version, expires, id, signature.slice(0, -2)].join('.'))).toBe(false);
    expect(store.isValid([version, expires, id].join('.'))).toBe(false);
  });

  it.each([undefined, '', 'garbage', 'v1.1.2.3', TOKEN, `Bearer ${TOKEN}`])('refuses %p', (value) => {
    expect(sessions().isValid(value)).toBe(false);
  });

  it('refuses a session after logout, and only that one', () => {
    const store = sessions();
    const [out, kept] = [store.issue(), store.issue()];
    store.revoke(out);
    expect(store.isValid(out)).toBe(false);
    expect(store.isValid(kept)).toBe(true);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict and scoped to /console; Secure only over https', () => {
    expect(sessionCookie('v', 60, false)).toBe(
      'console_session=v; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60',
    );
    expect(sessionCookie('v', 60, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toMatch(/^console_session=; .*Max-Age=0/);
  });

  it('is read from a Cookie header among others', () => {
    expect(cookieValue('a=1; console_session=v1.2.3.4; b=2', 'console_session')).toBe('v1.2.3.4');
    expect(cookieValue('a=1', 'console_session')).toBeUndefined();
    expect(cookieValue(undefined, 'console_session')).toBeUndefined();
  });
});
