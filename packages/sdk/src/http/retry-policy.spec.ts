import {
  BACKOFF,
  MAX_RETRY_AFTER_MS,
  backoffMs,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
} from './retry-policy';

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['delta-seconds', '3', 3000],
    ['zero', '0', 0],
    ['with spaces', ' 10 ', 10_000],
    ['an HTTP-date 30 s ahead', 'Tue, 01 Dec 2026 12:00:30 GMT', 30_000],
    ['an HTTP-date in the past', 'Tue, 01 Dec 2026 11:59:00 GMT', 0],
  ])('%s: %s → %s ms', (_what, value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([[null], [undefined], [''], ['-1'], ['1.5'], ['soon'], ['Tue, 99 Foo 2026']])(
    'ignores %p',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );
});

describe('backoff', () => {
  it('doubles from 0.5 s and stops at 8 s, within ±25 %', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((retry) => backoffMs(retry, 0.5))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(0, 0)).toBe(375);
    expect(backoffMs(4, 0.999999)).toBeLessThanOrEqual(BACKOFF.maxMs * 1.25);
  });
});

describe('retryDelayMs', () => {
  it("waits the answer's Retry-After when it has one, the backoff otherwise", () => {
    expect(retryDelayMs(0, 2000, 0.5)).toBe(2000);
    expect(retryDelayMs(1, undefined, 0.5)).toBe(1000);
    expect(retryDelayMs(0, 0, 0.5)).toBe(0);
  });

  it('does not wait out a Retry-After past the cap: the caller decides', () => {
    expect(retryDelayMs(0, MAX_RETRY_AFTER_MS, 0.5)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryDelayMs(0, MAX_RETRY_AFTER_MS + 1, 0.5)).toBeUndefined();
  });
});

it.each([
  [408, true],
  [429, true],
  [500, true],
  [502, true],
  [503, true],
  [504, true],
  [400, false],
  [401, false],
  [404, false],
  [409, false],
  [422, false],
])('status %i is retried: %s', (status, retried) => {
  expect(isRetryableStatus(status)).toBe(retried);
});
