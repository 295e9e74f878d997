import { settingList } from './setting-list';

export class SigningKeysError extends Error {}

const MIN_KEY_BYTES = 32;

/** REPORT_SIGNING_KEYS: `<client>:<base64 of 32+ random bytes>`, comma-separated; a client's key checks its signatures. */
export function parseSigningKeys(text: string): ReadonlyMap<string, Buffer> {
  const keys = new Map<string, Buffer>();
  settingList(text).forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const client = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon <= 0) throw new SigningKeysError(`entry ${index + 1}: expected <client>:<base64 key>`);
    if (key.length < MIN_KEY_BYTES)
      throw new SigningKeysError(
        `client ${client}: the key must be the base64 of at least ${MIN_KEY_BYTES} random bytes`,
      );
    if (keys.has(client)) throw new SigningKeysError(`client ${client} is listed twice`);
    keys.set(client, key);
  });
  return keys;
}
