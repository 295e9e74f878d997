import { HttpServerEnv } from './http-server.env';
import { validateSettings } from './settings.validation';

describe('HttpServerEnv', () => {
  it('defaults to a rate limit one client at 1,000 events a second stays under, no trusted proxy, 30 s to send a request', () => {
    expect(validateSettings(HttpServerEnv, {})).toMatchObject({
      HTTP_RATE_LIMIT_PER_MINUTE: 120_000,
      HTTP_TRUST_PROXY: false,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      EVENTS_BODY_LIMIT_BYTES: 2 * 1024 * 1024,
    });
  });

  it('turns the limit off with 0 and refuses a timeout under 100 ms', () => {
    expect(
      validateSettings(HttpServerEnv, { HTTP_RATE_LIMIT_PER_MINUTE: '0', HTTP_TRUST_PROXY: 'TRUE' }),
    ).toMatchObject({ HTTP_RATE_LIMIT_PER_MINUTE: 0, HTTP_TRUST_PROXY: true });
    expect(() => validateSettings(HttpServerEnv, { HTTP_REQUEST_TIMEOUT_MS: '10' })).toThrow(
      /^Invalid setting HTTP_REQUEST_TIMEOUT_MS \(got "10"\): .*from 100 to 600000$/,
    );
  });
});
