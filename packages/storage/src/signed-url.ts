import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query of a signed download URL (runs.md, Storage). */
export interface FileSignature {
  /** Unix seconds after which the URL stops working. */
  expires: number;
  /** Hex HMAC-SHA256 of `<fileId>.<expires>`. */
  signature: string;
}

export function signFileUrl(input: {
  fileId: string;
  expiresAt: Date;
  secret: string;
}): FileSignature {
  const expires = Math.floor(input.expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(expires) || expires < 0)
    throw new RangeError('expiresAt must be a valid date after 1970');
  return { expires, signature: hmac(input.secret, input.fileId, expires) };
}

/**
 * Whether a download URL's query is genuine and still valid at `now`. The
 * values come straight from the query string, so anything malformed is
 * simply false. A URL is valid strictly before its `expires` second.
 */
export function verifyFileSignature(input: {
  fileId: string;
  expires: string | number | undefined;
  signature: string | undefined;
  secret: string;
  now: Date;
}): boolean {
  const expires = parseExpires(input.expires);
  if (
    expires === null ||
    typeof input.signature !== 'string' ||
    !/^[0-9a-fA-F]{64}$/.test(input.signature)
  ) {
    return false;
  }
  if (input.now.getTime() >= expires * 1000) return false;
  const expected = Buffer.from(hmac(input.secret, input.fileId, expires), 'hex');
  return timingSafeEqual(expected, Buffer.from(input.signature, 'hex'));
}

/** The API path of a file's bytes with its signature (docs/http-api.md: GET /files/:id/content). */
export function contentPath(fileId: string, expires: number, signature: string): string {
  return `/files/${encodeURIComponent(fileId)}/content?expires=${expires}&signature=${encodeURIComponent(signature)}`;
}

function hmac(secret: string, fileId: string, expires: number): string {
  if (!secret) throw new Error('The signing secret is empty');
  return createHmac('sha256', secret).update(`${fileId}.${expires}`).digest('hex');
}

function parseExpires(value: string | number | undefined): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}
