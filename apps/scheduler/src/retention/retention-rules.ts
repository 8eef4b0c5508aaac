import { isFinalStatus, type TaskObjectKind, type TaskStatus } from '@mediaflow/contracts';

const DAY_MS = 86_400_000;

/**
 * What is removed before when: runs ended more than `days` before `now`;
 * null when retention is off (`MEDIAFLOW_RETENTION_DAYS=0`).
 */
export function retentionCutoff(days: number, now: Date): Date | null {
  return days === 0 ? null : new Date(now.getTime() - days * DAY_MS);
}

/**
 * A root (a run, a task on its own, or the ingest of `POST /files`) with
 * what retention must know of its whole run: the run is removed whole or
 * not at all.
 */
export interface RunUnderReview {
  /** The root's id, which is the run's. */
  id: string;
  kind: TaskObjectKind;
  status: TaskStatus;
  finishedAt: Date | null;
  /** On a standalone ingest: when its file's triggers were evaluated. */
  triggersEvaluatedAt: Date | null;
  /** The statuses of every row of the run: the root, its steps, its ingest. */
  statuses: readonly TaskStatus[];
  /** One of the run's per-task webhooks is still being tried (neither delivered nor given up). */
  webhookBeingTried: boolean;
}

/** Why a run is kept, or that it goes. */
export type RunVerdict =
  | 'remove'
  /** Ended after the cutoff (or never ended): not old enough. */
  | 'recent'
  /** The root looks ended but a row of the run is not final (a retry under way). */
  | 'unfinished'
  /** Its webhook is still being tried: removing it would drop the delivery (only a retention of a day can catch one). */
  | 'webhook_due'
  /** A stored file whose triggers the registry could not be asked for yet: the reconciler still owes it its runs. */
  | 'triggers_due';

/** The verdicts that keep a run which is old enough. */
export type HoldReason = Exclude<RunVerdict, 'remove' | 'recent'>;
export const HOLD_REASONS: readonly HoldReason[] = ['unfinished', 'webhook_due', 'triggers_due'];

/**
 * Whether a run goes. Nothing is removed from a run that is still at work,
 * nor half of a run: every row must be final, the root ended before the
 * cutoff, and nothing still owed to anyone (a webhook, triggers).
 */
export function judgeRun(run: RunUnderReview, cutoff: Date): RunVerdict {
  if (!isFinalStatus(run.status) || run.finishedAt === null || run.finishedAt >= cutoff)
    return 'recent';
  if (!run.statuses.every(isFinalStatus)) return 'unfinished';
  if (run.webhookBeingTried) return 'webhook_due';
  if (run.kind === 'ingest' && run.status === 'completed' && run.triggersEvaluatedAt === null)
    return 'triggers_due';
  return 'remove';
}

/**
 * A file a run being removed made or used, and the runs that still use it:
 * the run of the task that made it, and of every task that has it as its
 * input, its output or (a triggered run's root) its trigger.
 */
export interface FileUnderReview {
  id: string;
  projectId: string;
  storageKey: string;
  /** Bytes in storage; 0 for a file already deleted (`DELETE /files/:id` took its bytes). */
  bytes: number;
  /** Deleted by `DELETE /files/:id` already: only its row is left. */
  deleted: boolean;
  usedBy: readonly string[];
}

/**
 * The files that go with the runs being removed: those no other run uses.
 * A file used by a run that is kept (a newer run's input, a kept run's
 * output, the file that triggered a kept run), and so any file a task not
 * yet final uses, stays: its row, its bytes, and its place in the kept
 * run. When that run goes in turn, so does the file.
 */
export function filesToRemove(
  files: readonly FileUnderReview[],
  removed: ReadonlySet<string>,
): FileUnderReview[] {
  return files.filter((file) => file.usedBy.every((run) => removed.has(run)));
}
