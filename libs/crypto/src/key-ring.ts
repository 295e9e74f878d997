/** One key-encryption key of the ring: 32 bytes for AES-256, named by an id stored with every value it seals. */
export interface DataKey {
  id: string;
  key: Buffer;
}

export class KeyRingError extends Error {}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

/** Strict base64 (standard or URL-safe): the text must be exactly what its bytes encode to. */
function decodedKey(text: string): Buffer | undefined {
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Buffer.from(normalized, 'base64');
  const canonical = bytes.toString('base64');
  return canonical.replace(/=+$/, '') === normalized.replace(/=+$/, '') && bytes.length === KEY_BYTES
    ? bytes
    : undefined;
}

/**
 * The keys that seal patient data, from one setting: `<id>:<base64 of 32 bytes>`, comma-separated.
 * The first is the current key (every new value is sealed under it); the others only open values
 * sealed before a rotation, until `npm run keys:rotate` has moved them to the current key.
 */
export class KeyRing {
  private constructor(
    readonly current: DataKey,
    private readonly byId: ReadonlyMap<string, DataKey>,
  ) {}

  static parse(text: string | undefined): KeyRing {
    const entries = (text ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0)
      throw new KeyRingError('no key: give at least one `<id>:<base64 of 32 random bytes>` (npm start generates one)');
    const keys = entries.map((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!KEY_ID.test(id))
        throw new KeyRingError(`key ${index + 1}: expected <id>:<base64>, the id of 1-32 letters, digits, - or _`);
      const key = decodedKey(entry.slice(colon + 1));
      if (!key)
        throw new KeyRingError(
          `key ${id}: the key must be the base64 of exactly ${KEY_BYTES} bytes (openssl rand -base64 32)`,
        );
      return { id, key };
    });
    const byId = new Map(keys.map((key) => [key.id, key]));
    if (byId.size !== keys.length) throw new KeyRingError('two keys share an id: every key needs an id of its own');
    return new KeyRing(keys[0], byId);
  }

  /** The key a value names; a value sealed under a key no longer in the ring cannot be opened. */
  key(id: string): DataKey {
    const key = this.byId.get(id);
    if (!key)
      throw new KeyRingError(`no key "${id}" in the ring: the value was sealed under a key that has been removed`);
    return key;
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }
}
