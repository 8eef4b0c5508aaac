import { isFinalStatus } from '@mediaflow/contracts';
import { summariseRun, type RunStep, type RunSummary } from '@mediaflow/workflow';
import type { RunRows } from './run-rows';

/**
 * A workflow run's status and progress. While its source is still being
 * ingested the run is under way, whatever its (all waiting) steps say.
 */
export function summariseWorkflowRun(
  run: Pick<RunRows, 'ingest'>,
  steps: readonly RunStep[],
): RunSummary {
  const summary = summariseRun(steps);
  if (run.ingest && !isFinalStatus(run.ingest.status))
    return { status: 'processing', progress: summary.progress };
  return summary;
}
