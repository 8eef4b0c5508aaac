import { createHash, randomInt } from 'node:crypto';

export const SECRET_PREFIX = 'mf_';
const SECRET_BODY_LENGTH = 40;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HINT_LENGTH = 4;

/**
 * A new API key secret: `mf_` and 40 base62 characters from the CSPRNG
 * (40 × log2(62) ≈ 238 bits). `randomInt` draws without modulo bias.
 */
export function newKeySecret(): string {
  let body = '';
  for (let i = 0; i < SECRET_BODY_LENGTH; i++) body += BASE62[randomInt(BASE62.length)];
  return SECRET_PREFIX + body;
}

/**
 * What the database keeps instead of the secret. A plain SHA-256 is the right
 * tool here, not a slow password hash: our secrets carry 190+ bits of CSPRNG
 * output, so there is nothing to brute-force, and a fast hash lets every
 * request look its key up by an indexed equality without caching keys.
 * (An operator's MEDIAFLOW_API_KEY is required to be at least 16 characters
 * and is their choice to make strong.)
 */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The last characters of a secret, shown in lists to tell keys apart. */
export function keySecretHint(secret: string): string {
  return secret.slice(-HINT_LENGTH);
}
