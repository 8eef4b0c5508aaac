import type { WorkflowTaskKind } from '@mediaflow/contracts';
import type { RunStep, StepFile } from '@mediaflow/workflow';
import type { FileIndex } from '../files/file-index';
import { toStepFile } from '../files/stored-file';
import type { TaskRow } from '../tasks/task-row';

/** A run's rows by role: its root, the ingest of its source (if any; a standalone ingest is its root), and its steps. */
export interface RunRows {
  root: TaskRow;
  ingest: TaskRow | null;
  /** The steps the engine advances: a workflow root's descendants, or a single task's root itself. */
  steps: TaskRow[];
}

export function splitRun(rows: readonly TaskRow[], runId: string): RunRows {
  const root = rows.find((row) => row.id === runId);
  if (!root) throw new Error(`run ${runId} has no root row`);
  const ingest = rows.find((row) => row.kind === 'ingest') ?? null;
  // A standalone ingest (POST /files) is its own root and has no steps: nothing runs on its file.
  const steps =
    root.kind === 'workflow'
      ? rows.filter((row) => row.id !== runId && row.kind !== 'ingest')
      : root.kind === 'ingest'
        ? []
        : [root];
  return { root, ingest, steps };
}

/**
 * The engine's view of a run's steps. A workflow's top-level steps are
 * children of the run's row in the table but have no parent in the engine.
 */
export function toRunSteps(run: RunRows, files: FileIndex): RunStep[] {
  return run.steps.map((row) => ({
    id: row.id,
    parentId: row.parent_id === run.root.id ? null : row.parent_id,
    branch: row.branch,
    position: row.position,
    kind: row.kind as WorkflowTaskKind | 'conditions',
    ref: row.ref,
    options: row.options,
    conditions: row.conditions,
    status: row.status,
    progress: row.progress,
    input: stepFile(row.input_file_id, files),
    output: stepFile(row.output_file_id, files),
    error: row.error,
    skipReason: row.skip_reason,
    finishedAt: row.finished_at?.getTime() ?? null,
  }));
}

function stepFile(id: string | null, files: FileIndex): StepFile | null {
  if (id === null) return null;
  const row = files.get(id);
  if (!row) throw new Error(`file ${id} of a run step is not loaded`);
  return toStepFile(row);
}

export interface StepChange {
  step: RunStep;
  /** The status the row must still have for the change to apply. */
  from: RunStep['status'];
  /** Ready: its first (or next) attempt is to be dispatched now. */
  dispatch: boolean;
}

/** The steps an advance changed, in the run's order, each with the status it changes from. */
export function stepChanges(
  before: readonly RunStep[],
  after: { steps: readonly RunStep[]; ready: readonly string[] },
): StepChange[] {
  const previous = new Map(before.map((step) => [step.id, step]));
  const ready = new Set(after.ready);
  const changes: StepChange[] = [];
  for (const step of after.steps) {
    const old = previous.get(step.id);
    if (!old) throw new Error(`run step ${step.id} appeared from nowhere`);
    const dispatch = ready.has(step.id);
    if (
      dispatch ||
      old.status !== step.status ||
      old.input?.id !== step.input?.id ||
      old.output?.id !== step.output?.id
    ) {
      changes.push({ step, from: old.status, dispatch });
    }
  }
  return changes;
}
