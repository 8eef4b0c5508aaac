import {
  isAddressRefused,
  isOverQuota,
  policyText,
  projectQuota,
  rateLimitHeaders,
  retryAfterSeconds,
  secondsUntilReset,
} from './rate-limit-policy';

describe('projectQuota', () => {
  it.each([
    [100, 10, { points: 1000, windowS: 10 }],
    [1, 10, { points: 10, windowS: 10 }],
    [3, 1, { points: 3, windowS: 1 }],
    [10_000, 3600, { points: 36_000_000, windowS: 3600 }],
  ])('%i rps over %i s → %j', (rps, windowS, quota) => {
    expect(projectQuota(rps, windowS)).toEqual(quota);
  });

  it('fits the counter column (integer) at the largest limit and window', () => {
    expect(projectQuota(10_000, 3600).points).toBeLessThan(2 ** 31);
  });
});

describe('secondsUntilReset and retryAfterSeconds', () => {
  it.each([
    // ms before the window ends, RateLimit-Reset, Retry-After
    [9_001, 10, 10],
    [9_000, 9, 9],
    [1, 1, 1],
    [0, 0, 1],
    [-1, 0, 1],
  ])('%i ms → Reset %i, Retry-After %i', (ms, reset, retryAfter) => {
    expect(secondsUntilReset(ms)).toBe(reset);
    expect(retryAfterSeconds(ms)).toBe(retryAfter);
  });
});

describe('isOverQuota', () => {
  const quota = { points: 3, windowS: 1 };
  it.each([
    [1, false],
    [3, false],
    [4, true],
    [40, true],
  ])('the %ith request of 3 is over: %s', (consumedPoints, over) => {
    expect(isOverQuota(quota, { consumedPoints, msBeforeNext: 500 })).toBe(over);
  });
});

describe('rateLimitHeaders', () => {
  it('says the quota, what is left and when the window ends, as draft-07 names them', () => {
    expect(
      rateLimitHeaders({ points: 1000, windowS: 10 }, { consumedPoints: 1, msBeforeNext: 9_999 }),
    ).toEqual({
      'RateLimit-Limit': '1000',
      'RateLimit-Remaining': '999',
      'RateLimit-Reset': '10',
      'RateLimit-Policy': '1000;w=10',
    });
  });

  it('never says less than nothing is left, on the requests past the quota', () => {
    expect(
      rateLimitHeaders({ points: 2, windowS: 1 }, { consumedPoints: 5, msBeforeNext: 300 }),
    ).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '1',
      'RateLimit-Policy': '2;w=1',
    });
  });

  it('writes the policy as <requests>;w=<seconds>', () => {
    expect(policyText({ points: 500, windowS: 10 })).toBe('500;w=10');
  });
});

describe('isAddressRefused', () => {
  it.each([
    [0, false],
    [29, false],
    [30, true],
    [31, true],
  ])('%i failures of 30 allowed: refused %s', (failures, refused) => {
    expect(isAddressRefused(failures, 30)).toBe(refused);
  });
});
