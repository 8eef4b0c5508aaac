import { isFinalStatus } from '@mediaflow/contracts';
import type { RunStep, RunSummary } from './run-step';

/**
 * The run's status and progress from its steps (docs/runs.md). A cancelled
 * run is cancelled once nothing is running any more; otherwise it runs while
 * any step is unfinished and then fails if any step failed.
 */
export function summariseRun(steps: readonly RunStep[]): RunSummary {
  const final = steps.filter((s) => isFinalStatus(s.status)).length;
  // A workflow has at least one step; with none there is nothing left to do.
  const progress = steps.length === 0 ? 100 : Math.round((100 * final) / steps.length);
  const has = (...statuses: RunStep['status'][]) => steps.some((s) => statuses.includes(s.status));

  if (has('cancelled') && !has('pending', 'processing')) return { status: 'cancelled', progress };
  if (final < steps.length) return { status: 'processing', progress };
  return { status: has('failed') ? 'failed' : 'completed', progress };
}
