import { createHmac } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'Mediaflow-Signature';

/**
 * `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed by the webhook
 * secret (docs/http-api.md, Webhooks). The timestamp is signed with the body so that a
 * receiver can refuse an old delivery replayed at it.
 */
export function webhookSignature(secret: string, body: string, timestamp: number): string {
  if (!Number.isInteger(timestamp) || timestamp < 0)
    throw new Error(`webhookSignature: bad timestamp ${timestamp}`);
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}
