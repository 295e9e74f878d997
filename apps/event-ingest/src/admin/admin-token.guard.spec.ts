import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AdminTokenGuard } from './admin-token.guard';

const TOKEN = 'a-very-long-admin-token';
const guard = new AdminTokenGuard(new ConfigService({ ADMIN_TOKEN: TOKEN }));

function contextWith(headers: Record<string, string | undefined>): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ headers }) }) } as unknown as ExecutionContext;
}

describe('AdminTokenGuard', () => {
  it.each([{ authorization: `Bearer ${TOKEN}` }, { authorization: `bearer ${TOKEN}` }, { 'x-admin-token': TOKEN }])(
    'lets %p through',
    (headers) => {
      expect(guard.canActivate(contextWith(headers))).toBe(true);
    },
  );

  it.each([{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }, { 'x-admin-token': `${TOKEN}x` }])(
    'refuses %p with 401',
    (headers) => {
      expect(() => guard.canActivate(contextWith(headers))).toThrow(UnauthorizedException);
    },
  );
});
