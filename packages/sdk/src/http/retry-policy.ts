/**
 * When a call is tried again, and after how long: pure, so that it is
 * table-tested (retry-policy.spec.ts).
 */

/** Statuses worth another attempt: the API's "try again" answers, and a proxy's. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Backoff without a `Retry-After`: 0.5 s doubling, at most 8 s, each ±25 % so that clients spread out. */
export const BACKOFF = { initialMs: 500, maxMs: 8_000, jitter: 0.25 } as const;

/**
 * The longest `Retry-After` the SDK waits out by itself. Longer ones (a
 * client address locked out of authenticating for a minute and more) are
 * the caller's to decide: the error is thrown at once.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms from `nowMs`: delta-seconds or an
 * HTTP-date. Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date always names its weekday; a bare number with a sign or a dot is neither form.
  if (!/^[A-Za-z]{3},/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The backoff before retry number `retry` (0 for the first retry); `random` in [0, 1). */
export function backoffMs(retry: number, random: number): number {
  const base = Math.min(BACKOFF.initialMs * 2 ** retry, BACKOFF.maxMs);
  return Math.round(base * (1 - BACKOFF.jitter + 2 * BACKOFF.jitter * random));
}

/**
 * How long to wait before retry number `retry`, or undefined not to retry:
 * the answer's `Retry-After` when it has one (and it is at most
 * {@link MAX_RETRY_AFTER_MS}), else the backoff.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  random: number,
): number | undefined {
  if (retryAfterMs === undefined) return backoffMs(retry, random);
  return retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : undefined;
}
