import {
  isFinalStatus,
  type Attempt,
  type StepsSummary,
  type StoredFile,
  type TaskRecord,
} from '@mediaflow/contracts';
import { toUnixSeconds, toUnixSecondsOrNull } from '@mediaflow/database';
import { summariseSteps } from '@mediaflow/workflow';
import type { FileIndex } from '../files/file-index';
import type { FileRow } from '../files/file-row';
import { toStoredFile } from '../files/stored-file';
import type { TaskRow } from './task-row';

/**
 * One task as the bus answers it, without its subtree. A deleted file shows
 * as absent: its record and bytes are gone (docs/http-api.md, DELETE /files/:id).
 * A run (kind `workflow`) carries `steps`, the count of its steps in each status.
 */
export function toTaskRecord(row: TaskRow, files: FileIndex, steps?: StepsSummary): TaskRecord {
  const record: TaskRecord = {
    id: row.id,
    object: 'task',
    kind: row.kind,
    automation_id: row.automation_id,
    parent_id: row.parent_id,
    ref: row.ref,
    input: stored(files.get(row.input_file_id)),
    options: row.options,
    status: row.status,
    progress: row.progress,
    output: output(row, files),
    error: row.error,
    skip_reason: row.skip_reason,
    attempts: row.attempt,
    attempt_history: attemptHistory(row),
    created_at: toUnixSeconds(row.created_at),
    updated_at: toUnixSeconds(row.updated_at),
    started_at: toUnixSecondsOrNull(row.started_at),
    finished_at: toUnixSecondsOrNull(row.finished_at),
    webhook_url: row.webhook_url,
  };
  if (row.kind === 'workflow' && steps) record.steps_summary = steps;
  if (row.kind === 'conditions') record.conditions = row.conditions ?? [];
  return record;
}

/**
 * Every attempt of the task, oldest first: those kept as they ended, then
 * the current one as it is, unless it is kept already (a retry scheduled,
 * or a step retried and since skipped). A run has none: its steps do.
 */
export function attemptHistory(row: TaskRow): Attempt[] {
  if (row.kind === 'workflow') return [];
  const kept = row.attempt_history;
  const last = kept.at(-1)?.attempt ?? 0;
  if (row.attempt <= last || row.status === 'waiting' || row.status === 'skipped') return kept;
  const current: Attempt = {
    attempt: row.attempt,
    status: row.status,
    error: row.status === 'failed' || row.status === 'cancelled' ? row.error : null,
    started_at: toUnixSecondsOrNull(row.attempt_started_at),
    finished_at: isFinalStatus(row.status) ? toUnixSecondsOrNull(row.finished_at) : null,
  };
  return [...kept, current];
}

/** The statuses of a run's steps, counted: every row of the run but the run itself and its ingest. */
export function stepsSummaryOf(runId: string, rows: readonly TaskRow[]): StepsSummary {
  return summariseSteps(
    rows
      .filter((row) => row.run_id === runId && row.id !== runId && row.kind !== 'ingest')
      .map((row) => row.status),
  );
}

/**
 * A task with its subtree, from the rows of its run: a run holds its
 * top-level steps under `workflow`, a step the steps after it under `next`
 * (and a conditions step the other branch under `else`). The `ingest` task
 * is a child of the run but not a workflow step: it is listed, not nested.
 */
export function buildTaskTree(
  targetId: string,
  rows: readonly TaskRow[],
  files: FileIndex,
): TaskRecord {
  const children = new Map<string, TaskRow[]>();
  let target: TaskRow | undefined;
  for (const row of rows) {
    if (row.id === targetId) target = row;
    if (row.parent_id === null || row.kind === 'ingest') continue;
    const siblings = children.get(row.parent_id) ?? [];
    siblings.push(row);
    children.set(row.parent_id, siblings);
  }
  if (!target) throw new Error(`buildTaskTree: ${targetId} is not among the rows of its run`);
  for (const siblings of children.values()) siblings.sort((a, b) => a.position - b.position);

  const node = (row: TaskRow): TaskRecord => {
    const record = toTaskRecord(
      row,
      files,
      row.kind === 'workflow' ? stepsSummaryOf(row.id, rows) : undefined,
    );
    const below = children.get(row.id) ?? [];
    if (row.kind === 'workflow') {
      record.workflow = below.filter((c) => c.branch === null).map(node);
      return record;
    }
    const next = below.filter((c) => c.branch === 'next').map(node);
    const otherwise = below.filter((c) => c.branch === 'else').map(node);
    if (next.length > 0) record.next = next;
    if (otherwise.length > 0) record.else = otherwise;
    return record;
  };
  return node(target);
}

function stored(row: FileRow | undefined): StoredFile | null {
  return row && !row.deleted_at ? toStoredFile(row) : null;
}

/** A file (with the files it links), a data kind's JSON result, or nothing yet. */
function output(row: TaskRow, files: FileIndex): TaskRecord['output'] {
  if (row.kind === 'workflow') return null;
  if (row.output_data) return row.output_data;
  const file = stored(files.get(row.output_file_id));
  if (!file) return null;
  const linked = files
    .linked(row)
    .filter((f) => !f.deleted_at)
    .map(toStoredFile);
  return linked.length > 0 ? { ...file, files: linked } : file;
}
