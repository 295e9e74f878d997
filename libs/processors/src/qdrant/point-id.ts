import { createHash } from 'node:crypto';

/** Fixed namespaces, so every process (and any other tool) derives the same point ids. */
const USER_POINT_NAMESPACE = '6f1d2b1e-8c4b-5d7a-9e3f-0a1b2c3d4e5f';
const PRODUCT_POINT_NAMESPACE = '9a7c3e55-2b1d-5f4e-8c6a-1d2e3f4a5b6c';

/** RFC 4122 version-5 (SHA-1, name-based) UUID: the same name always gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Qdrant point ids are unsigned integers or UUIDs; user ids are free text, so: a UUID v5. */
export function userPointId(userId: string): string {
  return uuidV5(userId, USER_POINT_NAMESPACE);
}

/**
 * A product's point in the `products` collection: the product_id itself when it is an unsigned
 * integer (how catalogues usually load them), a UUID v5 of it otherwise.
 */
export function productPointId(productId: string): string | number {
  if (/^\d{1,15}$/.test(productId)) return Number(productId);
  return uuidV5(productId, PRODUCT_POINT_NAMESPACE);
}
