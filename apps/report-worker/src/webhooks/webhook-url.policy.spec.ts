import { parseWebhookHosts } from '@app/config';
import { originOf, WebhookUrlPolicy } from './webhook-url.policy';

const SECRET = 's'.repeat(32);

function policy(hosts: string, options: { allowHttp?: boolean; secret?: string } = {}): WebhookUrlPolicy {
  return new WebhookUrlPolicy({
    secret: options.secret ?? SECRET,
    allowedHosts: parseWebhookHosts(hosts),
    allowHttp: options.allowHttp ?? false,
  });
}

describe('WebhookUrlPolicy', () => {
  const https = policy('hooks.example.com, Partner.Example.org:8443, [::1]:9000');

  it('allows https URLs of listed hosts, comparing host names case-insensitively', () => {
    expect(https.refusal('https://hooks.example.com/reports?token=abc')).toBeUndefined();
    expect(https.refusal('https://HOOKS.example.COM/x')).toBeUndefined();
    expect(https.refusal('https://partner.example.org:8443/in')).toBeUndefined();
    expect(https.refusal('https://[::1]:9000/in')).toBeUndefined();
  });

  it('reads a listed host without a port as the default port only, and a listed port as that port only', () => {
    expect(https.refusal('https://hooks.example.com:443/x')).toBeUndefined();
    expect(https.refusal('https://hooks.example.com:8443/x')).toBe(
      'callback_url: host hooks.example.com:8443 is not in WEBHOOK_ALLOWED_HOSTS',
    );
    expect(https.refusal('https://partner.example.org/in')).toBe(
      'callback_url: host partner.example.org:443 is not in WEBHOOK_ALLOWED_HOSTS',
    );
  });

  it('refuses a host outside the list, including look-alikes, naming the host but never the path or query', () => {
    const refusal = https.refusal('https://hooks.example.com.evil.test/x?token=secret');
    expect(refusal).toBe('callback_url: host hooks.example.com.evil.test:443 is not in WEBHOOK_ALLOWED_HOSTS');
    expect(refusal).not.toContain('secret');
    expect(https.refusal('https://example.com/')).toMatch(/not in WEBHOOK_ALLOWED_HOSTS/);
  });

  it('refuses http unless WEBHOOK_ALLOW_HTTP, and every other scheme always', () => {
    expect(https.refusal('http://hooks.example.com/x')).toBe(
      'callback_url: scheme http: is refused: https only (WEBHOOK_ALLOW_HTTP is false)',
    );
    const http = policy('127.0.0.1:8080, hooks.example.com', { allowHttp: true });
    expect(http.refusal('http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(http.refusal('http://hooks.example.com/hook')).toBeUndefined();
    expect(http.refusal('http://hooks.example.com:443/hook')).toMatch(/hooks.example.com:443 is not in/);
    expect(http.refusal('ftp://hooks.example.com/x')).toBe('callback_url: scheme ftp: is refused: https or http');
    expect(http.refusal('file:///etc/passwd')).toMatch(/^callback_url: scheme file: is refused/);
  });

  it('refuses credentials in the URL, even for a listed host', () => {
    expect(https.refusal('https://user:pass@hooks.example.com/x')).toBe(
      'callback_url: credentials in the URL are refused',
    );
    expect(https.refusal('https://user@hooks.example.com/x')).toBe('callback_url: credentials in the URL are refused');
  });

  it('refuses what is not an absolute URL', () => {
    expect(https.refusal('/relative/path')).toBe('callback_url: not an absolute URL');
    expect(https.refusal('hooks.example.com')).toBe('callback_url: not an absolute URL');
  });

  it('refuses every URL while webhooks are off (no WEBHOOK_SECRET), and every host with an empty list', () => {
    const off = policy('hooks.example.com', { secret: '' });
    expect(off.enabled).toBe(false);
    expect(off.refusal('https://hooks.example.com/x')).toBe(
      'callback_url: webhooks are not configured on this worker (WEBHOOK_SECRET is unset)',
    );
    expect(policy('').refusal('https://hooks.example.com/x')).toMatch(/not in WEBHOOK_ALLOWED_HOSTS/);
  });
});

describe('originOf', () => {
  it('keeps scheme, host and port only', () => {
    expect(originOf('https://hooks.example.com:8443/a/b?token=secret#x')).toBe('https://hooks.example.com:8443');
    expect(originOf('nope')).toBe('(not a URL)');
  });
});
