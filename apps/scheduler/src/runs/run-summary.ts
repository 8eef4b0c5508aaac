import { isFinalStatus } from '@mediaflow/contracts';
import { summariseRun, type RunStep, type RunSummary } from '@mediaflow/workflow';
import type { RunRows } from './run-rows';

/**
 * A workflow run's status and progress, never below `previousProgress`.
 * While its source is still being ingested the run is under way, whatever
 * its (all waiting) steps say.
 */
export function summariseWorkflowRun(
  run: Pick<RunRows, 'ingest'>,
  steps: readonly RunStep[],
  previousProgress = 0,
): RunSummary {
  const summary = summariseRun(steps, previousProgress);
  if (run.ingest && !isFinalStatus(run.ingest.status))
    return { ...summary, status: 'processing', error: null };
  return summary;
}
