import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
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
 * SHA-256 of the canonical request minus `request_id` (seed 003's duplicate detection). `user_id`
 * stays in: a report is only ever reused for the same user, since it holds their health data.
 */
export function contentHashOf(request: object): string {
  const { request_id: _ignored, ...content } = request as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
