import {
  TASK_STATUSES,
  isFinalStatus,
  type StepsSummary,
  type TaskError,
  type TaskStatus,
} from '@mediaflow/contracts';
import type { RunStep, RunSummary } from './run-step';
import { inTreeOrder } from './step-tree';

/**
 * The run's status, progress, step counts and error from its steps
 * (docs/runs.md). A cancelled run is cancelled once nothing is running any
 * more; otherwise it runs while any step is unfinished and then fails if any
 * step failed. `previousProgress`, what the run showed before, is a floor:
 * a step's progress starts again from 0 on a retry, the run's never goes back.
 */
export function summariseRun(steps: readonly RunStep[], previousProgress = 0): RunSummary {
  const counts = summariseSteps(steps.map((s) => s.status));
  const final = counts.completed + counts.failed + counts.skipped + counts.cancelled;
  const has = (...statuses: TaskStatus[]) => statuses.some((status) => counts[status] > 0);

  let status: RunSummary['status'];
  if (has('cancelled') && !has('pending', 'processing')) status = 'cancelled';
  else if (final < steps.length) status = 'processing';
  else status = has('failed') ? 'failed' : 'completed';

  const weighted = runProgress(steps);
  // 100 says the run has ended: a run still going shows 99 at most.
  const progress = Math.max(
    previousProgress,
    status === 'processing' ? Math.min(99, weighted) : weighted,
  );
  return {
    status,
    progress,
    steps: counts,
    error: status === 'failed' ? firstFailure(steps) : null,
  };
}

/**
 * The steps' progress, averaged, 0..100 (rounded down): a final step counts
 * 100, a pending or processing one its own progress (a transcode half done,
 * half), a waiting one 0. The scheduler's progress UPDATE computes the same
 * in SQL (apps/scheduler, TasksRepository.recordProgress).
 */
export function runProgress(steps: readonly RunStep[]): number {
  // A workflow has at least one step; with none there is nothing left to do.
  if (steps.length === 0) return 100;
  const points = steps.reduce((sum, step) => sum + stepWeight(step), 0);
  return Math.floor(points / steps.length);
}

function stepWeight(step: RunStep): number {
  if (isFinalStatus(step.status)) return 100;
  if (step.status === 'waiting') return 0;
  return Math.min(100, Math.max(0, Math.floor(step.progress)));
}

/** How many of `statuses` are each status: every status has its count, 0 included. */
export function summariseSteps(statuses: readonly TaskStatus[]): StepsSummary {
  const counts = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as StepsSummary;
  for (const status of statuses) counts[status]++;
  return counts;
}

/**
 * The failure that failed the run: the step that failed first (steps ended
 * in the change being made, with no time yet, last), and among those that
 * failed at the same moment the first in the workflow's order.
 */
export function firstFailure(steps: readonly RunStep[]): TaskError | null {
  const failed = inTreeOrder(steps).filter((s) => s.status === 'failed');
  if (failed.length === 0) return null;
  // The earliest, the first in tree order among equals (a step ended now has no time yet: latest).
  const first = failed.reduce((best, step) =>
    step.finishedAt !== null && (best.finishedAt === null || step.finishedAt < best.finishedAt)
      ? step
      : best,
  );
  const { id, ref, kind } = first;
  const error = first.error ?? { code: 'internal' as const, message: 'The step failed' };
  return { code: error.code, message: error.message, step: { id, ref, kind } };
}
