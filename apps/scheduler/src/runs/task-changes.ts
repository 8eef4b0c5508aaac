import type { TaskChange, TaskStatus } from '@mediaflow/contracts';
import type { TaskRow } from '../tasks/task-row';

/** Which tasks of which run a decision changed: announced once it has committed. */
export type ChangedTasks = Omit<TaskChange, 'v' | 'at'>;

/** The tasks `taskIds` of `root`'s run; undefined when there are none (nothing to announce). */
export function changedTasks(
  root: Pick<TaskRow, 'id' | 'project_id'>,
  taskIds: Iterable<string>,
  created = false,
  statuses?: Record<string, TaskStatus>,
): ChangedTasks | undefined {
  const ids = [...new Set(taskIds)];
  if (ids.length === 0) return undefined;
  return {
    project_id: root.project_id,
    run_id: root.id,
    task_ids: ids,
    ...(created ? { created: true } : {}),
    ...(statuses ? { statuses } : {}),
  };
}

/** The status of each of `ids` among `rows`, for a change notification. */
export function statusesOf(
  rows: readonly TaskRow[],
  ids: readonly string[],
): Record<string, TaskStatus> {
  const wanted = new Set(ids);
  return Object.fromEntries(
    rows.filter((row) => wanted.has(row.id)).map((row) => [row.id, row.status]),
  );
}

/** The rows of a run whose state a reader sees (status, progress, attempt) differs between two loads. */
export function changedRowIds(before: readonly TaskRow[], after: readonly TaskRow[]): string[] {
  const previous = new Map(before.map((row) => [row.id, row]));
  return after
    .filter((row) => {
      const was = previous.get(row.id);
      return (
        !was ||
        was.status !== row.status ||
        was.progress !== row.progress ||
        was.attempt !== row.attempt
      );
    })
    .map((row) => row.id);
}
