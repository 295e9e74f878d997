import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from './key-ring';

const FORMAT = 'enc1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

export class SealedValueError extends Error {}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new SealedValueError('sealed value too short');
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealedValueError('sealed value does not open: wrong key, wrong record or altered');
  }
}

interface Parts {
  keyId: string;
  wrappedKey: Buffer;
  payload: Buffer;
}

/**
 * Envelope encryption of patient data (AES-256-GCM, node:crypto): every value gets a data key of
 * its own, which seals the value and is itself sealed by the ring's current key. A sealed value is
 * one string, `enc1.<key id>.<sealed data key>.<sealed value>` (base64url parts), so it fits a
 * MongoDB field, a Redis value and a message body alike.
 *
 * `context` names the record a value belongs to (`medical_reports:<report id>`); it is
 * authenticated, not stored, so a value copied onto another record does not open there.
 * Rotation only re-seals the small data key (`rewrap`): the value itself is never re-encrypted.
 */
export class EnvelopeCipher {
  constructor(private readonly ring: KeyRing) {}

  get currentKeyId(): string {
    return this.ring.current.id;
  }

  seal(plaintext: Buffer | string, context: string): string {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const payload = encrypt(dataKey, Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext), context);
    const { id, key } = this.ring.current;
    return this.format({ keyId: id, wrappedKey: encrypt(key, dataKey, `${FORMAT}.${id}`), payload });
  }

  open(sealed: string, context: string): Buffer {
    const { keyId, wrappedKey, payload } = this.parse(sealed);
    const dataKey = decrypt(this.ring.key(keyId).key, wrappedKey, `${FORMAT}.${keyId}`);
    return decrypt(dataKey, payload, context);
  }

  sealJson(value: unknown, context: string): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: string, context: string): T {
    return JSON.parse(this.open(sealed, context).toString('utf8')) as T;
  }

  /** The same value with its data key sealed under the current key (unchanged when it already is). */
  rewrap(sealed: string): string {
    const parts = this.parse(sealed);
    const { id, key } = this.ring.current;
    if (parts.keyId === id) return sealed;
    const dataKey = decrypt(this.ring.key(parts.keyId).key, parts.wrappedKey, `${FORMAT}.${parts.keyId}`);
    return this.format({ keyId: id, wrappedKey: encrypt(key, dataKey, `${FORMAT}.${id}`), payload: parts.payload });
  }

  keyIdOf(sealed: string): string {
    return this.parse(sealed).keyId;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(`${FORMAT}.`);
  }

  private format({ keyId, wrappedKey, payload }: Parts): string {
    return [FORMAT, keyId, wrappedKey.toString('base64url'), payload.toString('base64url')].join('.');
  }

  private parse(sealed: string): Parts {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    if (parts.length !== 4 || parts[0] !== FORMAT) throw new SealedValueError('not a sealed value');
    return {
      keyId: parts[1],
      wrappedKey: Buffer.from(parts[2], 'base64url'),
      payload: Buffer.from(parts[3], 'base64url'),
    };
  }
}
