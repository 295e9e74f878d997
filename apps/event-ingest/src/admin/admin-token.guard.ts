import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Destructive admin actions need ADMIN_TOKEN, as `Authorization: Bearer <token>` or
 * `X-Admin-Token: <token>`. Both sides are hashed first, so the comparison is constant-time and
 * does not reveal the token's length.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(config: ConfigService) {
    this.expected = digest(config.getOrThrow<string>('ADMIN_TOKEN'));
  }

  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers;
    const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    const token = bearer ?? headers['x-admin-token'];
    if (token && timingSafeEqual(digest(token), this.expected)) return true;
    throw new UnauthorizedException('a valid admin token is required (Authorization: Bearer or X-Admin-Token)');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
