import { canonicalJson, contentHashOf } from './content-hash';

describe('contentHashOf', () => {
  it('ignores key order and request_id', () => {
    const a = { request_id: '1', user_id: 'u', labs: [{ name: 'LDL', value: 1 }] };
    const b = { labs: [{ value: 1, name: 'LDL' }], user_id: 'u', request_id: '2' };
    expect(contentHashOf(a)).toBe(contentHashOf(b));
    expect(contentHashOf(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps user_id and array order significant', () => {
    expect(contentHashOf({ user_id: 'u1' })).not.toBe(contentHashOf({ user_id: 'u2' }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});
