/** Exponential backoff: the first wait, doubled for each attempt after it, up to a ceiling. */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
}

/** Retries of a failed task: 1 s, 2 s, 4 s, … up to 5 min. */
export const TASK_RETRY_BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 5 * 60_000 };

/** Webhook deliveries: 1 s, 2 s, 4 s, … up to an hour, for at most a day (WEBHOOK_GIVE_UP_MS). */
export const WEBHOOK_BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 60 * 60_000 };

/** How long to wait after the `failures`-th failure (1 for the first) before trying again. */
export function backoffMs(failures: number, policy: BackoffPolicy): number {
  if (!Number.isInteger(failures) || failures < 1)
    throw new Error(`backoffMs: failures must be ≥ 1 (got ${failures})`);
  // 2 ** 40 is already past any ceiling; keep the exponent from overflowing to Infinity.
  return Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(failures - 1, 40));
}
