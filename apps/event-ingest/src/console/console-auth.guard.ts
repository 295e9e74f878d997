import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { ConsoleSessions, cookieValue, SESSION_COOKIE } from './console-session';

/** The header the console's script sends with every change: a cross-site form cannot set it. */
export const CONSOLE_REQUEST_HEADER = 'x-console-request';

interface ConsoleRequest {
  method: string;
  headers: Record<string, string | undefined>;
}

/**
 * The console's JSON API: a login's session cookie, or ADMIN_TOKEN as `Authorization: Bearer`
 * (scripts). A change made with the cookie must also carry `X-Console-Request: 1`; with
 * SameSite=Strict that keeps other sites from making the browser act for the admin.
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly adminToken: AdminTokenGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    if (this.sessions.isValid(cookieValue(request.headers.cookie, SESSION_COOKIE))) {
      if (request.method !== 'GET' && request.headers[CONSOLE_REQUEST_HEADER] !== '1')
        throw new ForbiddenException(`a change needs the header ${CONSOLE_REQUEST_HEADER}: 1`);
      return true;
    }
    if (request.headers.authorization !== undefined) {
      const bearerOnly = { ...request.headers, 'x-admin-token': undefined };
      const only = { switchToHttp: () => ({ getRequest: () => ({ headers: bearerOnly }) }) } as ExecutionContext;
      return this.adminToken.canActivate(only);
    }
    throw new UnauthorizedException('log in to the console, or send Authorization: Bearer <ADMIN_TOKEN>');
  }
}
