import type { TaskDispatch } from '@mediaflow/contracts';
import { AttemptError } from './task-failure';

/** How long one attempt may run, and how it fails when it runs longer. */
export interface AttemptTimeLimit {
  ms: number;
  /** The error the attempt is aborted with at `ms`. */
  timeout(): AttemptError;
}

/**
 * One attempt's time limit: the worker's MEDIAFLOW_TASK_TIMEOUT_MS, or the
 * dispatch's budget from its input (`timeout_ms`, the kind's time budget
 * for the input's duration) when that is lower. A timeout at a budget is
 * final: the next attempt would do the same work at the same speed. So is
 * one at the worker's limit when the budget was higher (the scheduler
 * refuses such inputs; it can only come from a scheduler that thinks this
 * worker's limit is higher than it is). Only an attempt without a budget
 * (an ingest, a dispatch of an older scheduler) times out worth a retry,
 * as before budgets: nothing says the next one would not finish.
 */
export function attemptTimeLimit(
  workerLimitMs: number,
  dispatch: Pick<TaskDispatch, 'timeout_ms'>,
): AttemptTimeLimit {
  const budget = dispatch.timeout_ms;
  if (budget === undefined) {
    return {
      ms: workerLimitMs,
      timeout: () =>
        new AttemptError(
          'timeout',
          `The task ran longer than ${formatDuration(workerLimitMs)}`,
          true,
        ),
    };
  }
  if (budget <= workerLimitMs) {
    return {
      ms: budget,
      timeout: () =>
        new AttemptError(
          'timeout',
          `The task ran longer than its time limit of ${formatDuration(budget)}, set from its input's duration ` +
            '(docs/task-kinds.md); another attempt would take as long',
          false,
        ),
    };
  }
  return {
    ms: workerLimitMs,
    timeout: () =>
      new AttemptError(
        'timeout',
        `The task ran longer than this worker's limit of ${formatDuration(workerLimitMs)} (MEDIAFLOW_TASK_TIMEOUT_MS); ` +
          `its input may need up to ${formatDuration(budget)}`,
        false,
      ),
  };
}

/** `3600000` → `1 h`, `300000` → `5 min`, `1500` → `1.5 s`. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
