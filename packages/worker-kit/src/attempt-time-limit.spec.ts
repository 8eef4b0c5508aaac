import { attemptTimeLimit, formatDuration } from './attempt-time-limit';
import { taskFailure } from './task-failure';

const HOUR = 3_600_000;

describe('attemptTimeLimit', () => {
  it("keeps the worker's limit for a dispatch without a budget, and retries its timeout as before", () => {
    const limit = attemptTimeLimit(HOUR, {});
    expect(limit.ms).toBe(HOUR);
    expect(taskFailure(limit.timeout())).toEqual({
      error: { code: 'timeout', message: 'The task ran longer than 1 h' },
      retryable: true,
      unexpected: false,
    });
  });

  it.each([
    ['a budget under the worker’s limit', 1_380_000, 1_380_000, '23 min'],
    ['a budget of exactly the worker’s limit', HOUR, HOUR, '1 h'],
    ['a budget of odd seconds', 204_000, 204_000, '204 s'],
  ])('stops at %s, and its timeout is final', (_name, budget, ms, shown) => {
    const limit = attemptTimeLimit(HOUR, { timeout_ms: budget });
    expect(limit.ms).toBe(ms);
    expect(taskFailure(limit.timeout())).toEqual({
      error: {
        code: 'timeout',
        message: `The task ran longer than its time limit of ${shown}, set from its input's duration (docs/task-kinds.md); another attempt would take as long`,
      },
      retryable: false,
      unexpected: false,
    });
  });

  it("caps a budget over the worker's limit at that limit, and says the input needs more", () => {
    const limit = attemptTimeLimit(HOUR, { timeout_ms: 7_380_000 });
    expect(limit.ms).toBe(HOUR);
    expect(taskFailure(limit.timeout())).toEqual({
      error: {
        code: 'timeout',
        message:
          "The task ran longer than this worker's limit of 1 h (MEDIAFLOW_TASK_TIMEOUT_MS); its input may need up to 123 min",
      },
      retryable: false,
      unexpected: false,
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [HOUR, '1 h'],
    [300_000, '5 min'],
    [1_500, '1.5 s'],
    [300, '0.3 s'],
  ])('%d ms → %s', (ms, shown) => {
    expect(formatDuration(ms)).toBe(shown);
  });
});
