import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson, ContentHmac } from './content.hmac';

describe('ContentHmac', () => {
  const key = randomBytes(32).toString('base64');

  it('gives equal content an equal fingerprint, whatever the key order', () => {
    const hmac = new ContentHmac(key);
    expect(hmac.of({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(hmac.of({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(hmac.of({ a: 1 })).not.toBe(hmac.of({ a: 2 }));
  });

  it('is not the bare SHA-256 of the content, and differs under another key', () => {
    const content = { user_id: 'u1', labs: [{ name: 'LDL', value: 190 }] };
    const fingerprint = new ContentHmac(key).of(content);
    expect(fingerprint).not.toBe(createHash('sha256').update(canonicalJson(content)).digest('hex'));
    expect(fingerprint).not.toBe(new ContentHmac(randomBytes(32).toString('base64')).of(content));
  });

  it('refuses a short or missing key', () => {
    expect(() => new ContentHmac(randomBytes(16).toString('base64'))).toThrow(/at least 32 random bytes/);
    expect(() => new ContentHmac(undefined)).toThrow(/at least 32/);
  });
});
