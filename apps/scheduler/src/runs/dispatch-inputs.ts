import type { TaskDispatch } from '@mediaflow/contracts';
import type { Repositories } from '../database/scheduler-store';
import type { TaskRow } from '../tasks/task-row';
import { buildTaskDispatch } from './task-dispatch';

/** Dispatch messages for rows already given their attempt, with their input files. */
export async function dispatchesWithInputs(
  repos: Repositories,
  rows: readonly TaskRow[],
): Promise<TaskDispatch[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.input_file_id).filter((id): id is string => id !== null);
  const stored = await repos.files.byIds(ids);
  const files = new Map(stored.map((file) => [file.id, file]));
  return rows.map((row) =>
    buildTaskDispatch(row, row.input_file_id ? files.get(row.input_file_id) : undefined),
  );
}
