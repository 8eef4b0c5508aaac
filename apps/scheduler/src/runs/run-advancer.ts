import {
  isFinalStatus,
  type TaskDispatch,
  type TaskError,
  type TaskStatus,
} from '@mediaflow/contracts';
import type { Advance, RunStep } from '@mediaflow/workflow';
import type { Repositories } from '../database/scheduler-store';
import { creationEvents, keepEvents, runEvents } from '../events/run-events';
import type { TaskRow } from '../tasks/task-row';
import { buildTaskTree } from '../tasks/task-tree';
import { toWebhookBody } from '../webhooks/webhook-body';
import { summariseWorkflowRun } from './run-summary';
import { withChanges, type LoadedRun } from './run-loader';
import { stepChanges } from './run-rows';
import { changedRowIds, changedTasks, statusesOf, type ChangedTasks } from './task-changes';
import { buildTaskDispatch } from './task-dispatch';
import { refuseOverlong, type WorkerTimeLimits } from './task-time-limit';

export const CANCELLED_ERROR: TaskError = { code: 'cancelled', message: 'The task was cancelled' };

export interface AdvanceOptions {
  /** Each worker's task time limit: a ready step whose input needs longer fails instead of being dispatched. */
  limits: WorkerTimeLimits;
  /** The run ends so, whatever its steps say: its source could not be had, or it was cancelled. */
  end?: { status: 'failed' | 'cancelled'; error: TaskError };
  /** The run's source file, once ingested. */
  runInput?: string;
  /** The run was made in this transaction: every task of it is news. */
  created?: boolean;
  /**
   * Rows the caller changed in this transaction before (its ingest, the
   * steps a retry reset), as the updates returned them: changed, whatever
   * `run` says.
   */
  changed?: readonly TaskRow[];
}

export interface AppliedAdvance {
  /** Attempts to publish once the transaction has committed. */
  dispatches: TaskDispatch[];
  /** The run as it is now. */
  run: LoadedRun;
  /** Webhook deliveries this change created (the run ended), to send once the transaction has committed. */
  deliveries: string[];
  /** The tasks whose state this change moved, to announce once it has committed. */
  changed: ChangedTasks | undefined;
}

/**
 * Writes what the engine decided, inside the transaction that holds the
 * run's lock: each changed step (conditionally on the status it was decided
 * from) with its error or skip reason, a new attempt for each ready step (or
 * its failure, when its input is too long for its worker's time limit), the
 * run's own status, progress and error, and, when the run has just ended,
 * its webhook delivery.
 */
export async function applyAdvance(
  repos: Repositories,
  run: LoadedRun,
  before: readonly RunStep[],
  decided: Advance,
  options: AdvanceOptions,
): Promise<AppliedAdvance> {
  const advance = refuseOverlong(decided, run.files, options.limits);
  const dispatches: TaskDispatch[] = [];
  // Every update answers its row: the run after the change is known without reading it again.
  const changedRows: TaskRow[] = [...(options.changed ?? [])];
  for (const { step, from, dispatch } of stepChanges(before, advance)) {
    if (dispatch) {
      const row = await repos.tasks.dispatchReady(step.id, from, step.input?.id ?? null);
      if (!row) throw new RunChangedError(step.id, from);
      dispatches.push(buildTaskDispatch(row, run.files.get(row.input_file_id)));
      changedRows.push(row);
      continue;
    }
    const error =
      step.status === 'cancelled'
        ? CANCELLED_ERROR
        : step.status === 'failed'
          ? step.error
          : undefined;
    const changed = await repos.tasks.updateStep(step.id, from, {
      status: step.status,
      input_file_id: step.input?.id ?? null,
      output_file_id: step.output?.id ?? null,
      ...(error ? { error } : {}),
      skip_reason: step.skipReason,
      progress: step.progress,
    });
    if (!changed) throw new RunChangedError(step.id, from);
    changedRows.push(changed);
  }

  const wasFinal = isFinalStatus(run.root.status);
  if (!wasFinal) {
    const root = await updateRoot(repos, run, advance.steps, options);
    if (root) changedRows.push(root);
  }
  const after = withChanges(run, changedRows, []);
  const { root } = after;
  const deliveries: string[] = [];
  if (!wasFinal && isFinalStatus(root.status) && root.webhook_url) {
    const delivery = await repos.deliveries.insert(
      root,
      root.webhook_url,
      toWebhookBody(buildTaskTree(root.id, after.rows, after.files)),
    );
    if (delivery) deliveries.push(delivery);
  }
  const changedIds = options.created
    ? after.rows.map((row) => row.id)
    : [
        ...new Set([
          ...changedRowIds(run.rows, after.rows),
          ...(options.changed ?? []).map((row) => row.id),
        ]),
      ];
  const events = await keepEvents(
    repos,
    after,
    options.created ? creationEvents(after, changedIds) : runEvents(after, changedIds),
  );
  return {
    dispatches,
    run: after,
    deliveries,
    changed: changedTasks(root, changedIds, {
      created: options.created,
      statuses: statusesOf(after.rows, changedIds),
      events,
    }),
  };
}

/** Moves the run's own row with its steps; answers it as updated, if it changed. */
async function updateRoot(
  repos: Repositories,
  run: LoadedRun,
  steps: readonly RunStep[],
  options: AdvanceOptions,
): Promise<TaskRow | undefined> {
  const { root } = run;
  if (root.kind === 'workflow') {
    const summary = summariseWorkflowRun(run, steps, root.progress);
    const status = options.end?.status ?? summary.status;
    if (
      status === root.status &&
      summary.progress === root.progress &&
      !options.end &&
      !options.runInput
    )
      return undefined;
    // A run that fails says why: its source's error, or its first failed step's.
    const error = options.end?.error ?? (status === 'failed' ? summary.error : null);
    return repos.tasks.updateRun(root.id, {
      status,
      progress: summary.progress,
      ...(error ? { error } : {}),
      ...(options.runInput ? { input_file_id: options.runInput } : {}),
    });
  }
  // A single task is its own only step, moved above with the rest; only its source or a cancel ends it from outside.
  if (!options.end) return undefined;
  return repos.tasks.updateRun(root.id, {
    status: options.end.status,
    progress: root.progress,
    error: options.end.error,
  });
}

/**
 * A conditional update found its row changed. Under the run's lock that is
 * a bug, not a race: the transaction is rolled back, and the event that
 * caused it comes again.
 */
export class RunChangedError extends Error {
  constructor(taskId: string, from: TaskStatus) {
    super(`task ${taskId} is no longer ${from}`);
    this.name = 'RunChangedError';
  }
}
