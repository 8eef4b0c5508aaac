import type { ProjectEventRecord, TaskChange, TaskStatus } from '@mediaflow/contracts';
import type { TaskRow } from '../tasks/task-row';

/** Which tasks of which run a decision changed: announced once it has committed. */
export type ChangedTasks = Omit<TaskChange, 'v' | 'at'>;

/** A notification larger than this says which tasks changed but not how: followers read them. */
export const MAX_EVENTS_BYTES = 256 * 1024;

export interface ChangeDetails {
  /** The decision created the tasks. */
  created?: boolean;
  statuses?: Record<string, TaskStatus>;
  events?: ProjectEventRecord[];
}

/** The tasks `taskIds` of `root`'s run; undefined when there are none (nothing to announce). */
export function changedTasks(
  root: Pick<TaskRow, 'id' | 'project_id'>,
  taskIds: Iterable<string>,
  { created = false, statuses, events }: ChangeDetails = {},
): ChangedTasks | undefined {
  const ids = [...new Set(taskIds)];
  if (ids.length === 0) return undefined;
  return {
    project_id: root.project_id,
    run_id: root.id,
    task_ids: ids,
    ...(created ? { created: true } : {}),
    ...(statuses ? { statuses } : {}),
    ...(events?.length && fitsInNotification(events) ? { events } : {}),
  };
}

/** A run's events grow with its size squared (each step's subtree): most runs are small, a few are not. */
function fitsInNotification(events: readonly ProjectEventRecord[]): boolean {
  return events.length <= 8 || JSON.stringify(events).length <= MAX_EVENTS_BYTES;
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
