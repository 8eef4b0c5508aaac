import { randomBytes } from 'node:crypto';

/**
 * A project's webhook secret: the HMAC key of `Mediaflow-Signature`
 * (docs/http-api.md, Webhooks). 256 bits from the CSPRNG.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}
