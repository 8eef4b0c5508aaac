import type { WebhookPayload } from '../types';

/**
 * Checking a webhook's `Mediaflow-Signature: t=<unix>,v1=<hex>` (docs/webhooks.md):
 * `v1` is the HMAC-SHA256 of `"<t>.<raw body>"` keyed by the secret (the
 * project's for per-task webhooks, the endpoint's for endpoint deliveries).
 *
 * WebCrypto (`crypto.subtle`), so one function serves Node.js 20+ and
 * browsers alike; it is asynchronous for that. The comparison is
 * `subtle.verify`'s, which does not stop at the first byte that differs.
 */

/** The header the signature comes in. */
export const SIGNATURE_HEADER = 'Mediaflow-Signature';

/** How old (or how far ahead) a signature's `t` may be by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyWebhookOptions {
  /** The most `t` may differ from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** Now, in Unix seconds (default the clock's): for tests, and replays of stored deliveries. */
  now?: number;
}

export type WebhookVerificationFailure =
  /** No header. */
  | 'missing_signature'
  /** Not `t=<digits>,v1=<64 hex>`. */
  | 'malformed_signature'
  /** `t` is further from now than the tolerance: an old delivery replayed, or a clock far off. */
  | 'timestamp_out_of_tolerance'
  /** No `v1` matches: the body was changed, or another secret signed it. */
  | 'signature_mismatch';

/** The webhook is not to be trusted; `reason` says why (for logs: answer the sender a plain 400). */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

interface ParsedSignature {
  timestamp: number;
  signatures: Uint8Array<ArrayBuffer>[];
}

/** `t=<unix>,v1=<hex>[,v1=<hex>…]`; undefined when it is not that. */
export function parseSignatureHeader(header: string): ParsedSignature | undefined {
  let timestamp: number | undefined;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) return undefined;
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
      signatures.push(hexBytes(value));
    }
    // Other schemes (a future v2) are skipped, as the format allows.
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function bodyBytes(rawBody: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof rawBody === 'string') return new TextEncoder().encode(rawBody);
  return rawBody instanceof Uint8Array ? rawBody : new Uint8Array(rawBody);
}

function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'verifyWebhook needs WebCrypto (crypto.subtle): Node.js 20+, or a browser page served over https or from localhost',
    );
  }
  return subtle;
}

/**
 * Checks a webhook and answers its parsed body, or throws
 * {@link WebhookVerificationError}. Pass the body exactly as received (the
 * raw bytes or string, before any JSON parsing: re-serialised JSON does not
 * match), the `Mediaflow-Signature` header, and the secret.
 *
 * ```ts
 * app.post('/hooks/mediaflow', express.raw({ type: 'application/json' }), async (req, res) => {
 *   try {
 *     const event = await verifyWebhook(req.body, req.get('mediaflow-signature'), secret);
 *     // … handle it, deduplicating on event.id (delivery is at least once)
 *     res.sendStatus(204);
 *   } catch (error) {
 *     res.sendStatus(400);
 *   }
 * });
 * ```
 */
export async function verifyWebhook<T = WebhookPayload>(
  rawBody: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | readonly string[] | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<T> {
  const header = typeof signatureHeader === 'string' ? signatureHeader : signatureHeader?.[0];
  if (!header || (Array.isArray(signatureHeader) && signatureHeader.length > 1)) {
    throw new WebhookVerificationError(
      'missing_signature',
      header ? 'More than one Mediaflow-Signature header' : 'No Mediaflow-Signature header',
    );
  }
  const parsed = parseSignatureHeader(header);
  if (!parsed)
    throw new WebhookVerificationError(
      'malformed_signature',
      'The Mediaflow-Signature header is not t=<unix>,v1=<hex>',
    );
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `The signature's timestamp is ${now - parsed.timestamp} s from now; at most ${tolerance} s is allowed`,
    );
  }
  const subtle = subtleCrypto();
  const key = await subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const body = bodyBytes(rawBody);
  const prefix = new TextEncoder().encode(`${parsed.timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  let matched = false;
  // Every candidate is checked, so the time taken does not tell which matched.
  for (const signature of parsed.signatures)
    if (await subtle.verify('HMAC', key, signature, signed)) matched = true;
  if (!matched)
    throw new WebhookVerificationError(
      'signature_mismatch',
      'The signature does not match the body: it was changed, or signed with another secret',
    );
  return JSON.parse(new TextDecoder().decode(body)) as T;
}
