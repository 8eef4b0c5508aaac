import type { TaskRecord } from '@mediaflow/contracts';
import type { Repositories } from '../database/scheduler-store';
import { indexFiles, type FileIndex } from '../files/file-index';
import type { FileRow } from '../files/file-row';
import type { TaskRow } from '../tasks/task-row';
import { buildTaskTree } from '../tasks/task-tree';
import { splitRun, type RunRows } from './run-rows';

/** Every row of one run and every file its tasks made or take. */
export interface LoadedRun extends RunRows {
  rows: TaskRow[];
  files: FileIndex;
}

export async function loadRun(repos: Repositories, runId: string): Promise<LoadedRun> {
  const rows = await repos.tasks.runRows(runId);
  return { ...splitRun(rows, runId), rows, files: await loadFiles(repos, rows) };
}

/** The files these tasks take or made. */
export async function loadFiles(repos: Repositories, rows: readonly TaskRow[]): Promise<FileIndex> {
  const fileIds = rows
    .flatMap((row) => [row.input_file_id, row.output_file_id])
    .filter((id): id is string => id !== null);
  const files = await repos.files.ofTasks(
    rows.map((row) => row.id),
    fileIds,
  );
  return indexFiles(files);
}

/**
 * The run as loaded, with rows this transaction has since changed (as the
 * update returned them) and files it has added: what a reload would read,
 * without reading it.
 */
export function withChanges(
  run: LoadedRun,
  changed: readonly TaskRow[],
  added: readonly FileRow[],
): LoadedRun {
  const byId = new Map(changed.map((row) => [row.id, row]));
  const rows = run.rows.map((row) => byId.get(row.id) ?? row);
  return {
    ...splitRun(rows, run.root.id),
    rows,
    files: added.length > 0 ? indexFiles([...run.files.rows, ...added]) : run.files,
  };
}

/**
 * Takes the run's lock (its root row, FOR UPDATE), then loads it: whatever
 * happens to a run's tasks happens one change at a time, across replicas.
 */
export async function lockRun(repos: Repositories, runId: string): Promise<LoadedRun | undefined> {
  if (!(await repos.tasks.lockRun(runId))) return undefined;
  return loadRun(repos, runId);
}

/** {@link lockRun} for the run a task belongs to. */
export async function lockRunOf(
  repos: Repositories,
  taskId: string,
): Promise<LoadedRun | undefined> {
  const root = await repos.tasks.lockRunOf(taskId);
  return root ? loadRun(repos, root.id) : undefined;
}

/** A task with its subtree, as the bus answers it. */
export async function readTaskTree(repos: Repositories, task: TaskRow): Promise<TaskRecord> {
  const run = await loadRun(repos, task.run_id);
  return buildTaskTree(task.id, run.rows, run.files);
}
