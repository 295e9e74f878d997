import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, SealedValueError } from './envelope.cipher';
import { KeyRing, KeyRingError } from './key-ring';

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('KeyRing', () => {
  it('takes the first key as current and keeps the others for reading', () => {
    const ring = KeyRing.parse(`${keyText('new')}, ${keyText('old')}`);
    expect(ring.current.id).toBe('new');
    expect(ring.ids).toEqual(['new', 'old']);
    expect(ring.key('old').key).toHaveLength(32);
  });

  it.each([
    ['', /no key/],
    ['nokey', /expected <id>:<base64>/],
    [`bad.id:${randomBytes(32).toString('base64')}`, /expected <id>:<base64>/],
    [`short:${randomBytes(16).toString('base64')}`, /exactly 32 bytes/],
    ['junk:not base64 at all!!', /exactly 32 bytes/],
  ])('refuses %j with a reason', (text, reason) => {
    expect(() => KeyRing.parse(text)).toThrow(reason);
  });

  it('refuses two keys with one id', () => {
    expect(() => KeyRing.parse(`${keyText('a')},${keyText('a')}`)).toThrow(KeyRingError);
  });

  it('names a key that is no longer in the ring', () => {
    expect(() => KeyRing.parse(keyText('a')).key('gone')).toThrow(/no key "gone"/);
  });
});

describe('EnvelopeCipher', () => {
  const old = keyText('old');
  const cipher = new EnvelopeCipher(KeyRing.parse(old));

  it('seals a value that opens again only for its own record', () => {
    const sealed = cipher.sealJson({ patient: 'Ada Lovelace', ldl: 190 }, 'medical_reports:r1');
    expect(sealed).not.toContain('Ada');
    expect(EnvelopeCipher.isSealed(sealed)).toBe(true);
    expect(cipher.openJson(sealed, 'medical_reports:r1')).toEqual({ patient: 'Ada Lovelace', ldl: 190 });
    expect(() => cipher.open(sealed, 'medical_reports:r2')).toThrow(SealedValueError);
  });

  it('seals the same value differently every time (a data key and an IV per value)', () => {
    expect(cipher.seal('same', 'c')).not.toBe(cipher.seal('same', 'c'));
  });

  it('refuses an altered value', () => {
    const sealed = cipher.seal('lab values', 'c');
    const parts = sealed.split('.');
    const payload = Buffer.from(parts[3], 'base64url');
    payload[payload.length - 20] ^= 1;
    expect(() => cipher.open([...parts.slice(0, 3), payload.toString('base64url')].join('.'), 'c')).toThrow(
      SealedValueError,
    );
  });

  it('refuses a value sealed under another ring', () => {
    const other = new EnvelopeCipher(KeyRing.parse(keyText('old')));
    expect(() => other.open(cipher.seal('x', 'c'), 'c')).toThrow(SealedValueError);
  });

  it('after a rotation opens old values and rewraps them under the current key without re-encrypting them', () => {
    const sealed = cipher.seal('assessment', 'c');
    const rotated = new EnvelopeCipher(KeyRing.parse(`${keyText('new')},${old}`));
    expect(rotated.open(sealed, 'c').toString()).toBe('assessment');
    const rewrapped = rotated.rewrap(sealed);
    expect(rotated.keyIdOf(rewrapped)).toBe('new');
    expect(rewrapped.split('.')[3]).toBe(sealed.split('.')[3]);
    expect(rotated.open(rewrapped, 'c').toString()).toBe('assessment');
    expect(rotated.rewrap(rewrapped)).toBe(rewrapped);
    expect(() => cipher.open(rewrapped, 'c')).toThrow(/no key "new"/);
  });

  it('refuses what is not a sealed value', () => {
    expect(() => cipher.open('{"patient":"x"}', 'c')).toThrow(/not a sealed value/);
  });
});
