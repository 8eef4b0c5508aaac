import { MediaflowError, isFinalStatus } from '@mediaflow/contracts';
import { retryScope } from '@mediaflow/workflow';
import type { FileIndex } from '../files/file-index';
import { isRoot, type TaskRow } from '../tasks/task-row';
import type { CreationLimits } from './run-plan';
import { toRunSteps, type RunRows } from './run-rows';

/** `POST /tasks/:id/retry`, as the scheduler is asked it. */
export interface RetryRequest extends CreationLimits {
  projectId: string;
  taskId: string;
}

/** What a retry runs again. */
export interface RetryPlan {
  /** The rows that wait again, each still in the status it is retried from. */
  reset: TaskRow[];
  /** The ingest among them, dispatched at once: the run's source, or the stored file's. */
  ingestAgain: TaskRow | null;
}

/**
 * Which rows a retry of `target` resets (docs/runs.md, Retrying), or the
 * 409 that refuses it: a run still processing, nothing in scope that
 * failed or was cancelled, a stored file whose uploaded bytes are gone.
 * The run's ingest stands for its run.
 */
export function planRetry(run: RunRows & { files: FileIndex }, target: TaskRow): RetryPlan {
  const { root } = run;
  const what = root.kind === 'workflow' ? 'Run' : 'Task';
  if (!isFinalStatus(root.status)) {
    throw new MediaflowError(
      'conflict',
      `${what} ${root.id} is still ${root.status}: retry once it has ended (or cancel it first)`,
    );
  }
  if (root.kind === 'ingest') return planIngestRetry(root);

  const scope = isRoot(target) || target.kind === 'ingest' ? null : target.id;
  const again = new Set(retryScope(toRunSteps(run, run.files), scope).map((step) => step.id));
  const ingest = run.ingest;
  const ingestAgain =
    scope === null && ingest && (ingest.status === 'failed' || ingest.status === 'cancelled')
      ? ingest
      : null;
  if (again.size === 0 && !ingestAgain) {
    throw new MediaflowError(
      'conflict',
      scope === null
        ? `${what} ${root.id} ${root.status}: nothing in it failed or was cancelled, so there is nothing to retry`
        : `Step ${target.id} is ${target.status}: only a failed or cancelled step can be retried ` +
            '(a step skipped because of a failure is retried with the step that failed, or with its run)',
    );
  }
  const reset = run.steps.filter((row) => again.has(row.id));
  return { reset: ingestAgain ? [ingestAgain, ...reset] : reset, ingestAgain };
}

/** A stored file's ingest (`POST /files`) that failed or was cancelled fetches its URL again. */
function planIngestRetry(ingest: TaskRow): RetryPlan {
  if (ingest.status !== 'failed' && ingest.status !== 'cancelled') {
    throw new MediaflowError(
      'conflict',
      `Ingest ${ingest.id} ${ingest.status}: only a failed or cancelled ingest can be retried`,
    );
  }
  if (ingest.source_key !== null) {
    throw new MediaflowError(
      'conflict',
      `Ingest ${ingest.id} was an upload, whose bytes are not kept once its ingest has ended: upload the file again`,
    );
  }
  return { reset: [ingest], ingestAgain: ingest };
}
