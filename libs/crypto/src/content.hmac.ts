import { createHmac } from 'node:crypto';

export class ContentKeyError extends Error {}

const MIN_KEY_BYTES = 32;

/** JSON with object keys sorted at every depth, so the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A keyed fingerprint of health data (HMAC-SHA256 of its canonical JSON): equal content gives an
 * equal fingerprint, so identical requests can be recognised, but without the key nobody can test
 * a guessed input against it, as they could against a bare SHA-256.
 */
export class ContentHmac {
  private readonly key: Buffer;

  constructor(base64Key: string | undefined) {
    const key = Buffer.from(base64Key ?? '', 'base64');
    if (key.length < MIN_KEY_BYTES)
      throw new ContentKeyError(
        `the key must be the base64 of at least ${MIN_KEY_BYTES} random bytes (openssl rand -base64 32)`,
      );
    this.key = key;
  }

  of(value: unknown): string {
    return createHmac('sha256', this.key).update(canonicalJson(value)).digest('hex');
  }
}
