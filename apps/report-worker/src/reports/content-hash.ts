import { ContentHmac } from '@app/crypto';

/**
 * The fingerprint that lets identical requests share a report (duplicate detection):
 * the keyed HMAC of the canonical request minus `request_id` and `callback_url` (where the answer
 * goes, not what it says). `user_id` stays in: a report is only ever reused for the same user,
 * since it holds their health data.
 */
export function contentHashOf(request: object, hmac: ContentHmac): string {
  const { request_id: _ignored, callback_url: _delivery, ...content } = request as Record<string, unknown>;
  return hmac.of(content);
}
