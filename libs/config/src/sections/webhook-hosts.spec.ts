import { parseWebhookHosts } from './webhook-hosts';

describe('parseWebhookHosts', () => {
  it('reads host[:port] entries in lower case', () => {
    expect(parseWebhookHosts(' A.example.com ,b.example.com:8443,[::1]:9000')).toEqual([
      { host: 'a.example.com' },
      { host: 'b.example.com', port: 8443 },
      { host: '[::1]', port: 9000 },
    ]);
  });

  it.each(['https://a.example.com', 'a.example.com/path', '*.example.com', 'a.example.com:0', 'a.example.com:99999'])(
    'refuses %j',
    (entry) => {
      expect(() => parseWebhookHosts(entry)).toThrow();
    },
  );
});
