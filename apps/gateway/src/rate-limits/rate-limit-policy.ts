/**
 * The arithmetic of the gateway's rate limits and the answer headers that
 * tell clients about them, as draft-ietf-httpapi-ratelimit-headers-07 names
 * them (`RateLimit-Limit`, `-Remaining`, `-Reset`, `-Policy`). Pure, so it is
 * table-tested; the limiters only count.
 */

/**
 * A project's default requests per second (MEDIAFLOW_RATE_LIMIT_RPS). Not
 * 50: the load test and `pnpm bench:throughput` drive one project at 33–58
 * tasks/s today (docs/performance.md), a request or more per task, and the
 * target is ten times that; 100 (Stripe's figure) keeps a tenant from
 * starving the others without throttling the product's own measured use.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 100;

/**
 * A project's default limit of runs in flight (MEDIAFLOW_RUNS_IN_FLIGHT):
 * runs, single tasks and file ingests not yet ended. Well above what one
 * team queues at once in the load tests (a few hundred), low enough that one
 * project's backlog stays a bounded share of the database and of the
 * scheduler's fair queue.
 */
export const DEFAULT_RUNS_IN_FLIGHT = 1_000;

/** MEDIAFLOW_RATE_LIMIT_WINDOW_S: a project may burst rps × this many requests. */
export const DEFAULT_RATE_LIMIT_WINDOW_S = 10;

/** MEDIAFLOW_AUTH_FAILURE_LIMIT per MEDIAFLOW_AUTH_FAILURE_WINDOW_S: 401s an address may have. */
export const DEFAULT_AUTH_FAILURE_LIMIT = 30;
export const DEFAULT_AUTH_FAILURE_WINDOW_S = 60;

export const RATE_LIMIT_HEADERS = {
  limit: 'RateLimit-Limit',
  remaining: 'RateLimit-Remaining',
  reset: 'RateLimit-Reset',
  policy: 'RateLimit-Policy',
} as const;

export const RETRY_AFTER_HEADER = 'Retry-After';

/** So many requests per fixed window of so many seconds. */
export interface RateLimitQuota {
  points: number;
  windowS: number;
}

/** How much of its window a key has used: the shape of rate-limiter-flexible's RateLimiterRes. */
export interface WindowUse {
  consumedPoints: number;
  /** Until the window ends; negative when the store kept no end (never, for ours). */
  msBeforeNext: number;
}

/**
 * A project's quota: `requestsPerSecond` averaged over a window of
 * `windowS` seconds, so a burst of rps × window passes (a dashboard that
 * loads twenty things at once) and the average holds over any window.
 * Counting per second instead would refuse such bursts, and costs the same
 * one write per request.
 */
export function projectQuota(requestsPerSecond: number, windowS: number): RateLimitQuota {
  return { points: requestsPerSecond * windowS, windowS };
}

/** Whole seconds until the window ends, rounded up so that a client waiting that long is in the next one. */
export function secondsUntilReset(msBeforeNext: number): number {
  return msBeforeNext > 0 ? Math.ceil(msBeforeNext / 1000) : 0;
}

/** `Retry-After` (RFC 9110 §10.2.3): at least one second, or a client would retry at once. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, secondsUntilReset(msBeforeNext));
}

/** Over its quota: this request went past the last point of the window. */
export function isOverQuota(quota: RateLimitQuota, use: WindowUse): boolean {
  return use.consumedPoints > quota.points;
}

/** `RateLimit-Policy`: the quota as `<requests>;w=<seconds>`. */
export function policyText(quota: RateLimitQuota): string {
  return `${quota.points};w=${quota.windowS}`;
}

/** The draft's headers for an answer that used `use` of `quota`; on a 429 too, with Remaining 0. */
export function rateLimitHeaders(quota: RateLimitQuota, use: WindowUse): Record<string, string> {
  return {
    [RATE_LIMIT_HEADERS.limit]: String(quota.points),
    [RATE_LIMIT_HEADERS.remaining]: String(Math.max(0, quota.points - use.consumedPoints)),
    [RATE_LIMIT_HEADERS.reset]: String(secondsUntilReset(use.msBeforeNext)),
    [RATE_LIMIT_HEADERS.policy]: policyText(quota),
  };
}

/**
 * An address is refused once it has had `limit` failed authentications in
 * its window: the next attempt (the `limit + 1`th) gets 429 without its key
 * being looked at. Refused requests are not failures, so the window ends.
 */
export function isAddressRefused(failures: number, limit: number): boolean {
  return failures >= limit;
}
