import { validateSettings } from '../settings.validation';
import { WebhookEnv } from './webhook.env';

describe('WebhookEnv', () => {
  it('defaults to webhooks off, https only, 6 attempts after 5 s, 30 s, 5 min, 10 s per POST, 8 in flight', () => {
    expect({ ...validateSettings(WebhookEnv, {}) }).toEqual({
      WEBHOOK_SECRET: '',
      WEBHOOK_ALLOWED_HOSTS: '',
      WEBHOOK_ALLOW_HTTP: false,
      WEBHOOK_MAX_ATTEMPTS: 6,
      WEBHOOK_RETRY_DELAYS_MS: [5000, 30000, 300000],
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_PREFETCH_COUNT: 8,
    });
  });

  it('takes a secret of 32+ characters and a host list', () => {
    const settings = validateSettings(WebhookEnv, {
      WEBHOOK_SECRET: 'k'.repeat(32),
      WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com,127.0.0.1:8080',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_RETRY_DELAYS_MS: '100,200',
    });
    expect(settings).toMatchObject({ WEBHOOK_ALLOW_HTTP: true, WEBHOOK_RETRY_DELAYS_MS: [100, 200] });
  });

  it('refuses a short secret without echoing it, and a host entry with a scheme', () => {
    expect(() => validateSettings(WebhookEnv, { WEBHOOK_SECRET: 'tooshort-secret' })).toThrow(
      /^Invalid setting WEBHOOK_SECRET \(value hidden\): WEBHOOK_SECRET must be empty \(webhooks off\) or at least 32 characters$/,
    );
    expect(() => validateSettings(WebhookEnv, { WEBHOOK_SECRET: 'tooshort-secret' })).not.toThrow(/tooshort/);
    expect(() => validateSettings(WebhookEnv, { WEBHOOK_ALLOWED_HOSTS: 'https://hooks.example.com' })).toThrow(
      /WEBHOOK_ALLOWED_HOSTS: "https:\/\/hooks.example.com" is not a host or host:port/,
    );
  });
});
