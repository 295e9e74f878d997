import { Body, Controller, Get, Header, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminAudit } from '../admin/admin.audit';
import { ConsoleLoginDto } from './console.dto';
import { clearedSessionCookie, ConsoleSessions, cookieValue, SESSION_COOKIE, sessionCookie } from './console-session';

/** The page and its two files, read once: they hold no data, every figure comes from /console/api. */
const PUBLIC = join(__dirname, 'public');
const read = (file: string) => readFileSync(join(PUBLIC, file), 'utf8');

/**
 * `GET /console` and its login. The token travels only in a login's JSON body (never in a URL);
 * the answer is an HttpOnly session cookie.
 */
@ApiExcludeController()
@Controller('console')
export class ConsolePageHttpController {
  private readonly files = { html: read('console.html'), js: read('console.js'), css: read('console.css') };
  private readonly expected: Buffer;

  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly audit: AdminAudit,
    config: ConfigService,
  ) {
    this.expected = digest(config.getOrThrow<string>('ADMIN_TOKEN'));
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return this.files.html;
  }

  @Get('console.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return this.files.js;
  }

  @Get('console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  styles(): string {
    return this.files.css;
  }

  @Post('login')
  @HttpCode(204)
  async login(
    @Body() body: ConsoleLoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.audit.around('console.login', request.ip, 'console', async () => {
      if (!timingSafeEqual(digest(body.token), this.expected)) throw new UnauthorizedException('wrong admin token');
    });
    const maxAge = Math.floor(this.sessions.lifetimeMs / 1000);
    reply.header('set-cookie', sessionCookie(this.sessions.issue(), maxAge, request.protocol === 'https'));
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.sessions.revoke(cookieValue(request.headers.cookie, SESSION_COOKIE));
    reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
