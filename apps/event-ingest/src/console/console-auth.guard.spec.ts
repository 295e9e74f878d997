import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleSessions } from './console-session';

const TOKEN = 'a-very-long-admin-token-for-the-console';
const sessions = new ConsoleSessions(TOKEN, 3600_000);
const guard = new ConsoleAuthGuard(sessions, new AdminTokenGuard(new ConfigService({ ADMIN_TOKEN: TOKEN })));

function contextOf(method: string, headers: Record<string, string | undefined>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ method, headers }) }) } as unknown as ExecutionContext;
}

describe('ConsoleAuthGuard', () => {
  const cookie = () => `other=1; console_session=${sessions.issue()}`;

  it('lets a logged-in browser read', () => {
    expect(guard.canActivate(contextOf('GET', { cookie: cookie() }))).toBe(true);
  });

  it('lets a logged-in browser change things only with X-Console-Request: 1', () => {
    expect(guard.canActivate(contextOf('POST', { cookie: cookie(), 'x-console-request': '1' }))).toBe(true);
    expect(() => guard.canActivate(contextOf('POST', { cookie: cookie() }))).toThrow(ForbiddenException);
  });

  it('lets a script in with Authorization: Bearer <ADMIN_TOKEN>, for reads and changes', () => {
    expect(guard.canActivate(contextOf('GET', { authorization: `Bearer ${TOKEN}` }))).toBe(true);
    expect(guard.canActivate(contextOf('POST', { authorization: `Bearer ${TOKEN}` }))).toBe(true);
  });

  it.each([
    ['nothing', {}],
    ['a wrong bearer token', { authorization: 'Bearer not-the-token' }],
    ['a forged session cookie', { cookie: 'console_session=v1.99999999999999.abc.def' }],
    ['the token as the cookie', { cookie: `console_session=${TOKEN}` }],
    [
      'a session signed with an older ADMIN_TOKEN',
      { cookie: `console_session=${new ConsoleSessions('old-token', 3600_000).issue()}` },
    ],
    ['the X-Admin-Token header, which only the admin endpoints take', { 'x-admin-token': TOKEN }],
  ])('refuses %s with 401', (_, headers: Record<string, string>) => {
    expect(() => guard.canActivate(contextOf('GET', headers))).toThrow(UnauthorizedException);
  });
});
