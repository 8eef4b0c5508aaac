import type { TaskObject, TaskStatus } from '@mediaflow/contracts';
import { flattenSteps, stepLabels } from './step-labels';

/** One line of the progress display: a step of a run (or a task on its own). */
export interface ProgressRow {
  id: string;
  label: string;
  /** 0 for a run's top-level steps, one more under each `next` / `else`. */
  depth: number;
  status: TaskStatus;
  /** Whole percent; 100 once completed. */
  percent: number;
  /** Why it failed, was cancelled or was skipped, once it has. */
  note: string | null;
}

/** The rows of a task: a run's steps in reading order, or the task itself. */
export function progressRows(task: TaskObject): ProgressRow[] {
  const steps = flattenSteps(task);
  const labels = stepLabels(steps);
  const depths = new Map<string, number>();
  const mark = (nodes: readonly TaskObject[] | undefined, depth: number) => {
    for (const node of nodes ?? []) {
      depths.set(node.id, depth);
      mark(node.next, depth + 1);
      mark(node.else, depth + 1);
    }
  };
  mark(task.kind === 'workflow' ? task.workflow : [task], 0);
  return steps.map((step) => ({
    id: step.id,
    label: labels.get(step.id) ?? step.kind,
    depth: depths.get(step.id) ?? 0,
    status: step.status,
    percent: percentOf(step),
    note: noteOf(step),
  }));
}

/** The whole run (or task) as one row: the bar above the steps'. */
export function overallRow(task: TaskObject, label = 'run'): ProgressRow {
  return {
    id: task.id,
    label,
    depth: 0,
    status: task.status,
    percent: percentOf(task),
    note: noteOf(task),
  };
}

function percentOf(task: TaskObject): number {
  if (task.status === 'completed') return 100;
  return Math.max(0, Math.min(100, Math.floor(task.progress)));
}

function noteOf(task: TaskObject): string | null {
  if ((task.status === 'failed' || task.status === 'cancelled') && task.error) {
    return `${task.error.message} (${task.error.code})`;
  }
  if (task.status === 'skipped' && task.skip_reason) return task.skip_reason.message;
  return null;
}

/**
 * The tree with one task replaced by a newer version of it (an event's
 * `data`): the run itself, or any step. A version without its subtree keeps
 * the one the tree had. An update for a task the tree does not hold leaves
 * the tree as it is.
 */
export function mergeTaskUpdate(tree: TaskObject, update: TaskObject): TaskObject {
  if (update.updated_at < tree.updated_at && update.id === tree.id) return tree;
  const replace = (node: TaskObject): TaskObject => {
    if (node.id === update.id) {
      return {
        ...update,
        ...(update.workflow === undefined && node.workflow ? { workflow: node.workflow } : {}),
        ...(update.next === undefined && node.next ? { next: node.next } : {}),
        ...(update.else === undefined && node.else ? { else: node.else } : {}),
      };
    }
    const children = (nodes: TaskObject[] | undefined) => nodes?.map(replace);
    return {
      ...node,
      ...(node.workflow ? { workflow: children(node.workflow) } : {}),
      ...(node.next ? { next: children(node.next) } : {}),
      ...(node.else ? { else: children(node.else) } : {}),
    };
  };
  return replace(tree);
}

const QUARTER = 25;

/**
 * What a log without a terminal gets (CI): one line when a row first shows,
 * when its status changes, and while it runs each time it passes a quarter,
 * so a long transcode says it is alive without flooding the log.
 */
export function plainProgressLines(
  previous: readonly ProgressRow[],
  current: readonly ProgressRow[],
): string[] {
  const before = new Map(previous.map((row) => [row.id, row]));
  const lines: string[] = [];
  for (const row of current) {
    const was = before.get(row.id);
    const moved =
      was !== undefined &&
      row.status === 'processing' &&
      Math.floor(row.percent / QUARTER) > Math.floor(was.percent / QUARTER);
    if (was === undefined || was.status !== row.status || moved) lines.push(plainLine(row));
  }
  return lines;
}

/** `web: processing 50%`, `web: completed`, `sound: failed: … (no_audio_stream)`. */
export function plainLine(row: ProgressRow): string {
  const indent = '  '.repeat(row.depth);
  const progress = row.status === 'processing' ? ` ${row.percent}%` : '';
  return `${indent}${row.label}: ${row.status}${progress}${row.note ? `: ${row.note}` : ''}`;
}

/** Rows that have just failed or been cancelled: said at once, above the bars. */
export function newFailures(
  previous: readonly ProgressRow[],
  current: readonly ProgressRow[],
): ProgressRow[] {
  const before = new Map(previous.map((row) => [row.id, row.status]));
  return current.filter(
    (row) =>
      (row.status === 'failed' || row.status === 'cancelled') && before.get(row.id) !== row.status,
  );
}
