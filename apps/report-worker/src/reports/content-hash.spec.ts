import { ContentHmac } from '@app/crypto';
import { randomBytes } from 'node:crypto';
import { contentHashOf } from './content-hash';

describe('contentHashOf', () => {
  const hmac = new ContentHmac(randomBytes(32).toString('base64'));

  it('ignores key order and request_id', () => {
    const a = { request_id: '1', user_id: 'u', labs: [{ name: 'LDL', value: 1 }] };
    const b = { labs: [{ value: 1, name: 'LDL' }], user_id: 'u', request_id: '2' };
    expect(contentHashOf(a, hmac)).toBe(contentHashOf(b, hmac));
    expect(contentHashOf(a, hmac)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores callback_url: the same input answered to another receiver is the same report', () => {
    const a = { request_id: '1', user_id: 'u', callback_url: 'https://a.example.com/hook' };
    const b = { request_id: '2', user_id: 'u' };
    expect(contentHashOf(a, hmac)).toBe(contentHashOf(b, hmac));
  });

  it('keeps user_id and array order significant', () => {
    expect(contentHashOf({ user_id: 'u1' }, hmac)).not.toBe(contentHashOf({ user_id: 'u2' }, hmac));
    expect(contentHashOf({ user_id: 'u', labs: [2, 1] }, hmac)).not.toBe(
      contentHashOf({ user_id: 'u', labs: [1, 2] }, hmac),
    );
  });
});
