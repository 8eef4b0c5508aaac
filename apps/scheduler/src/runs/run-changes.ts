import { FINAL_TASK_STATUSES } from '@mediaflow/contracts';
import { summariseRun, type Advance, type RunStep, type RunSummary } from '@mediaflow/workflow';
import type { RunRows } from './run-rows';

const isFinal = (status: RunStep['status']) => FINAL_TASK_STATUSES.includes(status);

/**
 * Cancelling one step of a run: it and the unfinished steps below it are
 * cancelled; its siblings keep running. (The engine's cancelRun is the whole run.)
 */
export function cancelSubtree(steps: readonly RunStep[], id: string): Advance {
  const below = new Set([id]);
  // Steps come in pre-order (planRun), but do not rely on it: grow the set until it holds.
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of steps) {
      if (step.parentId !== null && below.has(step.parentId) && !below.has(step.id)) {
        below.add(step.id);
        grew = true;
      }
    }
  }
  return {
    steps: steps.map((step) =>
      below.has(step.id) && !isFinal(step.status) ? { ...step, status: 'cancelled' } : step,
    ),
    ready: [],
  };
}

/** The run's source never arrived (its ingest failed): no step can run. */
export function skipUnfinished(steps: readonly RunStep[]): Advance {
  return {
    steps: steps.map((step) => (isFinal(step.status) ? step : { ...step, status: 'skipped' })),
    ready: [],
  };
}

/**
 * A workflow run's status and progress. While its source is still being
 * ingested the run is under way, whatever its (all waiting) steps say.
 */
export function summariseWorkflowRun(
  run: Pick<RunRows, 'ingest'>,
  steps: readonly RunStep[],
): RunSummary {
  const summary = summariseRun(steps);
  if (run.ingest && !isFinal(run.ingest.status))
    return { status: 'processing', progress: summary.progress };
  return summary;
}
