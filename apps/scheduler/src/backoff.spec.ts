import { TASK_RETRY_BACKOFF, WEBHOOK_BACKOFF, backoffMs } from './backoff';

describe('backoffMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [8, 128_000],
    [9, 256_000],
    [10, 300_000],
    [1_000, 300_000],
  ])('waits after task failure %i: %i ms', (failures, ms) => {
    expect(backoffMs(failures, TASK_RETRY_BACKOFF)).toBe(ms);
  });

  it.each([
    [1, 1_000],
    [5, 16_000],
    [12, 2_048_000],
    [13, 3_600_000],
    [40, 3_600_000],
  ])('waits after webhook failure %i: %i ms', (failures, ms) => {
    expect(backoffMs(failures, WEBHOOK_BACKOFF)).toBe(ms);
  });

  it.each([[0], [-1], [1.5], [NaN]])('refuses failures = %p', (failures) => {
    expect(() => backoffMs(failures, TASK_RETRY_BACKOFF)).toThrow(/failures must be ≥ 1/);
  });
});
