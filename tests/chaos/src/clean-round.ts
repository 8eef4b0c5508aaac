import type { ChaosResult } from './chaos-round';

/** What every round must show: every request accepted and ended once with its outputs, nothing left behind. */
export function expectCleanRound(result: ChaosResult): void {
  expect({
    accepted: result.accepted,
    completed: result.completed,
    failed: result.failed,
    lost: result.lost,
    duplicated: result.duplicated,
    orphaned_outputs: result.orphaned_outputs,
  }).toEqual({
    accepted: result.sent,
    completed: result.sent,
    failed: 0,
    lost: 0,
    duplicated: 0,
    orphaned_outputs: 0,
  });
  expect(result.findings).toEqual([]);
  expect(result.stray_leftovers).toEqual([]);
  expect(result.left_after_sweep).toEqual([]);
  expect(result.unexpected_exits).toEqual([]);
  // The kills did cut requests, and their retries were counted above.
  expect(result.retried_after_cut).toBeGreaterThan(0);
  expect(result.canary).toBe('201 completed');
}
