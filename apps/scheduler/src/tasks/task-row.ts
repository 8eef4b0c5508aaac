import type {
  Attempt,
  Condition,
  SkipReason,
  TaskError,
  TaskObjectKind,
  TaskStatus,
  Workflow,
} from '@mediaflow/contracts';

/**
 * A row of `scheduler.tasks`, as `SELECT *` returns it. One table holds every
 * task: a run (kind `workflow`, the root of its tree), its steps, a single
 * task submitted on its own (a root that is its own only step), the
 * `ingest` task that fetches a run's source, and a standalone `ingest` (a
 * root with no steps: `POST /files`).
 */
export interface TaskRow {
  id: string;
  project_id: string;
  /** The root task's id; the root's own id on a root. */
  run_id: string;
  parent_id: string | null;
  branch: 'next' | 'else' | null;
  position: number;
  automation_id: string | null;
  kind: TaskObjectKind;
  ref: string | null;
  options: Record<string, unknown>;
  conditions: Condition[] | null;
  /** The run's workflow as it started, on `workflow` roots. */
  workflow: Workflow | null;
  status: TaskStatus;
  progress: number;
  input_file_id: string | null;
  output_file_id: string | null;
  output_data: Record<string, unknown> | null;
  /** On a failed run: the first failure of its steps, naming the step (or its ingest). */
  error: TaskError | null;
  /** Why a skipped step did not run; null for every other status. */
  skip_reason: SkipReason | null;
  /**
   * The current attempt; 0 before the first dispatch. On a workflow root:
   * how many times the run was retried.
   */
  attempt: number;
  /** The attempts before the current one, each as it ended (times in unix seconds). */
  attempt_history: Attempt[];
  /** When a worker took the current attempt; null until one has (`started_at` is the first start). */
  attempt_started_at: Date | null;
  max_attempts: number;
  source_url: string | null;
  /** A standalone ingest of an upload: where the gateway staged its bytes (deleted once the ingest ends). */
  source_key: string | null;
  /** An ingest's file name as the client gave it, if it did. */
  source_filename: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  /** On a root made for a request with `Idempotency-Key`: the gateway's claim of the key. */
  idempotency_key: string | null;
  /** On a root a trigger started: the file stored by `POST /files` that fired it. */
  trigger_file_id: string | null;
  /**
   * On a completed standalone ingest: when its file's triggers were
   * evaluated (and their runs made); null while that is still to do.
   */
  triggers_evaluated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  dispatched_at: Date | null;
  /** When the current attempt's dispatch reached the broker; null until it has. */
  published_at: Date | null;
  /** Since when the dispatch is held back for fairness (fairness/); null once released, or never held. */
  held_since: Date | null;
  last_heard_at: Date | null;
  /** Set while a retry waits for its backoff; the reconciler dispatches it when due. */
  next_attempt_at: Date | null;
}

export const INGEST_REF = 'source';

export function isRoot(row: Pick<TaskRow, 'id' | 'run_id'>): boolean {
  return row.id === row.run_id;
}
