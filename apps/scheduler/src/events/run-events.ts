import {
  inEventOrder,
  isStoredEventType,
  projectEvent,
  taskTreeNodes,
  type ProjectEventRecord,
} from '@mediaflow/contracts';
import type { Repositories } from '../database/scheduler-store';
import type { FileIndex } from '../files/file-index';
import type { TaskRow } from '../tasks/task-row';
import { buildTaskTree } from '../tasks/task-tree';

/** A run as a transaction left it: its root, the rows it read, their files. */
export interface RunState {
  root: Pick<TaskRow, 'id' | 'project_id'>;
  rows: readonly TaskRow[];
  files: FileIndex;
}

/**
 * The events of the tasks `changedIds` of a run as it is now, in the order
 * they happened; each event's data is the task with its subtree. Rows that
 * are not steps of the run's tree (its ingest) have none, and neither has a
 * step made waiting and now dispatched: its creation is old news.
 */
export function runEvents(run: RunState, changedIds: Iterable<string>): ProjectEventRecord[] {
  const changed = new Set(changedIds);
  if (changed.size === 0) return [];
  return inEventOrder(buildTaskTree(run.root.id, run.rows, run.files))
    .filter((node) => changed.has(node.id))
    .map((node) => projectEvent(node))
    .filter((event) => event.type !== 'task.created');
}

/**
 * The events of tasks made in this transaction: `task.created` for each,
 * the run first, then for those that have already moved on (a run started
 * at once on a stored file) the event of where they are now.
 */
export function creationEvents(run: RunState, madeIds: Iterable<string>): ProjectEventRecord[] {
  const made = new Set(madeIds);
  const created = taskTreeNodes(buildTaskTree(run.root.id, run.rows, run.files))
    .filter((node) => made.has(node.id))
    .map((node) => projectEvent(node, 'task.created'));
  return [...created, ...runEvents(run, made)];
}

/**
 * Writes the events the log keeps in the transaction that made them, so
 * that they commit with it or not at all. Answers them all, to announce.
 */
export async function keepEvents(
  repos: Repositories,
  run: RunState,
  events: ProjectEventRecord[],
): Promise<ProjectEventRecord[]> {
  await repos.events.insert(
    events
      .filter((event) => isStoredEventType(event.type))
      .map((event) => ({ project_id: run.root.project_id, run_id: run.root.id, event })),
  );
  return events;
}
