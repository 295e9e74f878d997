import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed report message: who signed it, when, and the signature over both and the body. */
export const REPORT_SIGNATURE_HEADERS = {
  signedBy: 'x-signed-by',
  signedAt: 'x-signed-at',
  signature: 'x-signature',
} as const;

function digest(key: Buffer, signedBy: string, signedAt: string, body: Buffer): string {
  return createHmac('sha256', key).update(`${signedBy}\n${signedAt}\n`).update(body).digest('hex');
}

/**
 * The headers that sign a report message as client `signedBy` with its key (base64 of 32+ bytes):
 * `x-signature: sha256=<hex HMAC-SHA256 of "<signedBy>\n<signedAt>\n<body>">`. The worker checks
 * the signature against the client's key and refuses a message signed too long ago.
 */
export function signReportMessage(
  body: Buffer | string,
  signedBy: string,
  base64Key: string,
  now = new Date(),
): Record<string, string> {
  const signedAt = now.toISOString();
  const signature = digest(
    Buffer.from(base64Key, 'base64'),
    signedBy,
    signedAt,
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  );
  return {
    [REPORT_SIGNATURE_HEADERS.signedBy]: signedBy,
    [REPORT_SIGNATURE_HEADERS.signedAt]: signedAt,
    [REPORT_SIGNATURE_HEADERS.signature]: `sha256=${signature}`,
  };
}

/** True when `signature` (the header's value) is the signature of these parts under `key`. */
export function signatureMatches(
  signature: string,
  key: Buffer,
  signedBy: string,
  signedAt: string,
  body: Buffer,
): boolean {
  const given = Buffer.from(signature.replace(/^sha256=/, ''), 'hex');
  const expected = Buffer.from(digest(key, signedBy, signedAt, body), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
