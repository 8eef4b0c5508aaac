import {
  FINAL_TASK_STATUSES,
  type SkipReason,
  type TaskError,
  type TaskListQuery,
  type TaskStatus,
} from '@mediaflow/contracts';
import { json, type Sql } from '../database/sql';
import type { TaskRow } from './task-row';

/** A task row to insert: everything but what the database fills in. */
/** The unique index of idempotency claims (migration 1796500000000). */
export const IDEMPOTENCY_INDEX = 'tasks_project_idempotency_key';

export type NewTask = Pick<
  TaskRow,
  | 'id'
  | 'project_id'
  | 'run_id'
  | 'parent_id'
  | 'branch'
  | 'position'
  | 'automation_id'
  | 'kind'
  | 'ref'
  | 'options'
  | 'conditions'
  | 'workflow'
  | 'status'
  | 'input_file_id'
  | 'max_attempts'
  | 'source_url'
  | 'source_key'
  | 'source_filename'
  | 'webhook_url'
  | 'webhook_secret'
  | 'trigger_file_id'
> & { started: boolean };

/** A change of a step's state made by the run engine (or by a cancel). */
export interface StepUpdate {
  status: TaskStatus;
  input_file_id: string | null;
  output_file_id: string | null;
  error?: TaskError | null;
  /** Why it is skipped; written whenever given (null clears it). */
  skip_reason?: SkipReason | null;
  /** Its progress as the engine left it (100 once completed); unchanged when not given. */
  progress?: number;
}

/** Waiting for the outcome of `attempt`: dispatched, not final, no retry pending. */
const AWAITING = `attempt = $2 AND status IN ('pending', 'processing') AND next_attempt_at IS NULL`;

/**
 * On the broker, or in a worker's hands: only then can silence mean a lost
 * worker. A dispatch never published is the reconciler's to publish again, not to retry.
 */
const HEARD_OF = `(published_at IS NOT NULL OR status = 'processing')`;
/** When a task was last known alive: its last event, else when the broker took it (a re-publish restarts the clock). */
const LAST_SIGN_OF_LIFE = 'COALESCE(last_heard_at, published_at, dispatched_at)';

/** Every column a new attempt resets, with the dispatch time. */
const NEW_ATTEMPT = `
  attempt = attempt + 1, status = 'pending', progress = 0, error = NULL,
  dispatched_at = now(), published_at = NULL, held_since = NULL, last_heard_at = NULL, next_attempt_at = NULL,
  attempt_started_at = NULL, updated_at = now()`;

/**
 * The current attempt as it ended, with `status` and `error` (SQL
 * expressions), as an entry of `attempt_history`. Appended in the statement
 * that gives the task its next attempt (a retry scheduled, a silent attempt
 * given up, a retry asked for), so the history never holds an attempt twice
 * nor misses one. `t` is the task's row.
 */
function endedAttempt(status: string, error: string): string {
  return `jsonb_build_array(jsonb_build_object(
    'attempt', t.attempt, 'status', ${status}, 'error', ${error},
    'started_at', floor(extract(epoch FROM t.attempt_started_at))::bigint,
    'finished_at', floor(extract(epoch FROM COALESCE(t.finished_at, now())))::bigint))`;
}

/** The final statuses as an SQL list (they are fixed words, never input). */
const FINAL = `(${FINAL_TASK_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/**
 * `scheduler.tasks`. Every write names the state it expects (status,
 * attempt), so a late or redelivered event, or a replica that lost a race,
 * changes nothing.
 */
export class TasksRepository {
  constructor(private readonly sql: Sql) {}

  async insert(tasks: readonly NewTask[]): Promise<void> {
    for (const task of tasks) {
      await this.sql.rows(
        `INSERT INTO scheduler.tasks
           (id, project_id, run_id, parent_id, branch, position, automation_id, kind, ref, options, conditions,
            workflow, status, input_file_id, max_attempts, source_url, webhook_url, webhook_secret, started_at,
            source_key, source_filename, trigger_file_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13, $14, $15, $16, $17, $18,
                 CASE WHEN $19::boolean THEN now() END, $20, $21, $22)`,
        [
          task.id,
          task.project_id,
          task.run_id,
          task.parent_id,
          task.branch,
          task.position,
          task.automation_id,
          task.kind,
          task.ref,
          json(task.options),
          json(task.conditions),
          json(task.workflow),
          task.status,
          task.input_file_id,
          task.max_attempts,
          task.source_url,
          task.webhook_url,
          task.webhook_secret,
          task.started,
          task.source_key,
          task.source_filename,
          task.trigger_file_id,
        ],
      );
    }
  }

  /** The project's runs (roots: runs, single tasks, ingests) not yet ended. */
  async countRunsInFlight(projectId: string): Promise<number> {
    const row = await this.sql.first<{ count: string }>(
      `SELECT count(*) AS count FROM scheduler.tasks
       WHERE project_id = $1 AND id = run_id AND status IN ('waiting', 'pending', 'processing')`,
      [projectId],
    );
    return Number(row?.count ?? 0);
  }

  find(id: string): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>('SELECT * FROM scheduler.tasks WHERE id = $1', [id]);
  }

  /** The root of the task's run, locked (FOR UPDATE): {@link lockRun} for a task, in one statement. */
  lockRunOf(taskId: string): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `SELECT root.* FROM scheduler.tasks task
       JOIN scheduler.tasks root ON root.id = task.run_id AND root.run_id = task.run_id
       WHERE task.id = $1
       FOR UPDATE OF root`,
      [taskId],
    );
  }

  /**
   * Marks a new root as made for this idempotency claim. A second root with
   * the same claim breaks the unique index (23505, {@link IDEMPOTENCY_INDEX}),
   * which aborts the transaction that tried to make it.
   */
  async claimIdempotencyKey(rootId: string, key: string): Promise<void> {
    await this.sql.rows('UPDATE scheduler.tasks SET idempotency_key = $2 WHERE id = $1', [
      rootId,
      key,
    ]);
  }

  /** Marks a retry as made for this idempotency claim, in the transaction that makes it. */
  async claimRetry(projectId: string, key: string, taskId: string): Promise<void> {
    await this.sql.rows(
      'INSERT INTO scheduler.task_retries (project_id, idempotency_key, task_id) VALUES ($1, $2, $3)',
      [projectId, key, taskId],
    );
  }

  /** Whether a retry was made for this idempotency claim. */
  async retryClaimed(projectId: string, key: string): Promise<boolean> {
    const row = await this.sql.first(
      'SELECT 1 FROM scheduler.task_retries WHERE project_id = $1 AND idempotency_key = $2',
      [projectId, key],
    );
    return row !== undefined;
  }

  /** The root made for this idempotency claim, if any. */
  findByIdempotencyKey(projectId: string, key: string): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      'SELECT * FROM scheduler.tasks WHERE project_id = $1 AND idempotency_key = $2',
      [projectId, key],
    );
  }

  findInProject(projectId: string, id: string): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      'SELECT * FROM scheduler.tasks WHERE id = $1 AND project_id = $2',
      [id, projectId],
    );
  }

  /** Takes the run's lock: every change to a run's tasks happens under it, one at a time. */
  lockRun(runId: string): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      'SELECT * FROM scheduler.tasks WHERE id = $1 AND run_id = $1 FOR UPDATE',
      [runId],
    );
  }

  runRows(runId: string): Promise<TaskRow[]> {
    return this.sql.rows<TaskRow>(
      'SELECT * FROM scheduler.tasks WHERE run_id = $1 ORDER BY position, id',
      [runId],
    );
  }

  /** Newest first; roots and steps alike. */
  async list(projectId: string, query: TaskListQuery): Promise<{ rows: TaskRow[]; total: number }> {
    const where = ['project_id = $1'];
    const params: unknown[] = [projectId];
    for (const column of ['status', 'kind', 'automation_id'] as const) {
      const value = query[column];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const filter = where.join(' AND ');
    return this.sql.page<TaskRow>('scheduler.tasks', filter, params, query);
  }

  /** How many steps of each of these runs are in each status (a run's ingest is not a step). */
  stepCounts(
    runIds: readonly string[],
  ): Promise<Array<{ run_id: string; status: TaskStatus; count: number }>> {
    return this.sql.rows(
      `SELECT run_id, status, count(*)::int AS count FROM scheduler.tasks
       WHERE run_id = ANY($1::text[]) AND id <> run_id AND kind <> 'ingest'
       GROUP BY run_id, status`,
      [runIds],
    );
  }

  // --- attempts ------------------------------------------------------------

  /** A step the engine made ready: its first attempt (or the next, after a retry of the run). */
  dispatchReady(
    id: string,
    from: TaskStatus,
    inputFileId: string | null,
  ): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks SET ${NEW_ATTEMPT}, input_file_id = $3
       WHERE id = $1 AND status = $2 RETURNING *`,
      [id, from, inputFileId],
    );
  }

  /** A retry whose backoff is over. */
  dispatchDueRetry(id: string, attempt: number): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks SET ${NEW_ATTEMPT}
       WHERE id = $1 AND attempt = $2 AND status = 'pending' AND next_attempt_at <= now() RETURNING *`,
      [id, attempt],
    );
  }

  /**
   * A new attempt for a task still silent for `stallMs` (checked again here:
   * it may have spoken since). The silent one is kept as failed, `timeout`.
   */
  redispatchStalled(id: string, attempt: number, stallMs: number): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks t SET attempt_history = attempt_history || ${endedAttempt(
        `'failed'`,
        `jsonb_build_object('code', 'timeout', 'message',
           'No word from a worker for ' || round($3::float8 / 1000) || ' s: another attempt was dispatched')`,
      )}, ${NEW_ATTEMPT}
       WHERE id = $1 AND ${AWAITING} AND attempt < max_attempts AND ${HEARD_OF}
         AND ${LAST_SIGN_OF_LIFE} < now() - make_interval(secs => $3::float8 / 1000)
       RETURNING *`,
      [id, attempt, stallMs],
    );
  }

  /** The dispatches of these attempts are on the broker: one statement for all of them. */
  async markPublished(marks: ReadonlyArray<{ id: string; attempt: number }>): Promise<void> {
    await this.sql.rows(
      `UPDATE scheduler.tasks AS t SET published_at = now()
       FROM unnest($1::text[], $2::int[]) AS m(id, attempt)
       WHERE t.id = m.id AND t.attempt = m.attempt AND t.published_at IS NULL`,
      [marks.map((m) => m.id), marks.map((m) => m.attempt)],
    );
  }

  /**
   * Dispatches whose publish never reached the broker (a failed publish, a
   * crash right after commit); not those held back for fairness.
   */
  unpublished(graceMs: number, limit: number): Promise<TaskRow[]> {
    return this.sql.rows<TaskRow>(
      `SELECT * FROM scheduler.tasks
       WHERE status = 'pending' AND next_attempt_at IS NULL AND published_at IS NULL AND held_since IS NULL
         AND dispatched_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY dispatched_at LIMIT $2`,
      [graceMs, limit],
    );
  }

  dueRetries(limit: number): Promise<TaskRow[]> {
    return this.sql.rows<TaskRow>(
      `SELECT * FROM scheduler.tasks WHERE status = 'pending' AND next_attempt_at <= now()
       ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
  }

  /** Dispatched tasks no worker has spoken of for `stallMs`. */
  stalled(stallMs: number, limit: number): Promise<TaskRow[]> {
    return this.sql.rows<TaskRow>(
      `SELECT * FROM scheduler.tasks
       WHERE status IN ('pending', 'processing') AND next_attempt_at IS NULL AND ${HEARD_OF}
         AND ${LAST_SIGN_OF_LIFE} < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY ${LAST_SIGN_OF_LIFE} LIMIT $2`,
      [stallMs, limit],
    );
  }

  /** Still no word of this attempt for `stallMs`. */
  async isSilent(id: string, attempt: number, stallMs: number): Promise<boolean> {
    const row = await this.sql.first(
      `SELECT 1 FROM scheduler.tasks
       WHERE id = $1 AND ${AWAITING} AND ${HEARD_OF} AND ${LAST_SIGN_OF_LIFE} < now() - make_interval(secs => $3::float8 / 1000)`,
      [id, attempt, stallMs],
    );
    return row !== undefined;
  }

  // --- what workers report ----------------------------------------------------

  /** The task as started, unless the report was stale. */
  markStarted(id: string, attempt: number): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks
       SET status = 'processing', started_at = COALESCE(started_at, now()),
           attempt_started_at = COALESCE(attempt_started_at, now()), last_heard_at = now(), updated_at = now()
       WHERE id = $1 AND ${AWAITING}
       RETURNING *`,
      [id, attempt],
    );
  }

  /**
   * Progress only grows; any report is a sign of life. A step of a workflow
   * run moves the run's progress too, in the same statement: its steps
   * weighed by their own progress, as `runProgress` (packages/workflow)
   * computes it, at most 99 while it runs, never lower than it was.
   *
   * The run's row is locked first (the CTE `run`, evaluated before the step
   * is updated), as every change to a run locks it before its steps: taking
   * them the other way round would deadlock with a cancel. Under that lock
   * the steps' statuses cannot move; the snapshot read may predate a change
   * committed while the lock was awaited, so it can only count too little,
   * and the run keeps the higher value. A task on its own, or an ingest,
   * locks nothing more than its own row.
   *
   * Answers the task's run and whether the run's progress moved, unless the
   * report was stale.
   */
  recordProgress(
    id: string,
    attempt: number,
    progress: number,
  ): Promise<(Pick<TaskRow, 'run_id' | 'project_id'> & { run_moved: boolean }) | undefined> {
    return this.sql.first(
      `WITH run AS (
         SELECT root.id FROM scheduler.tasks task
         JOIN scheduler.tasks root ON root.id = task.run_id
         WHERE task.id = $1 AND root.id <> task.id AND task.kind <> 'ingest'
           AND root.kind = 'workflow' AND root.status NOT IN ${FINAL}
         FOR UPDATE OF root
       ),
       step AS (
         UPDATE scheduler.tasks
         SET progress = GREATEST(progress, $3), last_heard_at = now(), updated_at = now()
         WHERE id = $1 AND ${AWAITING} AND (SELECT count(*) FROM run) >= 0
         RETURNING id, run_id, project_id, progress
       ),
       moved AS (
         UPDATE scheduler.tasks root SET progress = weighed.progress, updated_at = now()
         FROM run, step, LATERAL (
           SELECT LEAST(99, sum(
                    CASE WHEN s.id = step.id THEN step.progress
                         WHEN s.status IN ${FINAL} THEN 100
                         WHEN s.status = 'waiting' THEN 0
                         ELSE s.progress END) / count(*)) AS progress
           FROM scheduler.tasks s
           WHERE s.run_id = run.id AND s.id <> run.id AND s.kind <> 'ingest'
         ) weighed
         WHERE root.id = run.id AND root.progress < weighed.progress
         RETURNING root.id
       )
       SELECT step.run_id, step.project_id, EXISTS (SELECT 1 FROM moved) AS run_moved FROM step`,
      [id, attempt, Math.floor(progress)],
    );
  }

  /** A completed attempt's data result (the engine records the status and the output file). */
  /** The task with its result, unless the attempt is no longer awaited. */
  recordResult(
    id: string,
    attempt: number,
    data: Record<string, unknown> | null,
  ): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks SET output_data = $3::jsonb, progress = 100, last_heard_at = now(), updated_at = now()
       WHERE id = $1 AND ${AWAITING}
       RETURNING *`,
      [id, attempt, json(data)],
    );
  }

  /** The attempt failed with `error` and another follows after `delayMs`: the failed one joins the history. */
  scheduleRetry(id: string, attempt: number, delayMs: number, error: TaskError): Promise<number> {
    return this.sql.count(
      `UPDATE scheduler.tasks t
       SET attempt_history = attempt_history || ${endedAttempt(`'failed'`, '$4::jsonb')},
           status = 'pending', progress = 0, last_heard_at = NULL,
           next_attempt_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
       WHERE id = $1 AND ${AWAITING}`,
      [id, attempt, delayMs, json(error)],
    );
  }

  /**
   * A retry asked for (`POST /tasks/:id/retry`): each of these steps, if it
   * still has the status it was decided from, waits again as if it had never
   * run. Its current attempt joins the history (unless it already has: a
   * step retried once, then skipped), and it gets a fresh budget of
   * `maxAttempts` automatic attempts from there.
   */
  async resetForRetry(
    steps: ReadonlyArray<{ id: string; from: TaskStatus }>,
    maxAttempts: number,
  ): Promise<TaskRow[]> {
    if (steps.length === 0) return [];
    return this.sql.rows<TaskRow>(
      `UPDATE scheduler.tasks t
       SET attempt_history = CASE
             WHEN t.attempt > COALESCE((t.attempt_history -> -1 ->> 'attempt')::int, 0) THEN t.attempt_history || ${endedAttempt('t.status', 't.error')}
             ELSE t.attempt_history END,
           status = 'waiting', progress = 0, error = NULL, skip_reason = NULL,
           output_file_id = NULL, output_data = NULL, started_at = NULL, finished_at = NULL,
           attempt_started_at = NULL, next_attempt_at = NULL, held_since = NULL,
           max_attempts = t.attempt + $3, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS r(id, status)
       WHERE t.id = r.id AND t.status = r.status
       RETURNING t.*`,
      [steps.map((step) => step.id), steps.map((step) => step.from), maxAttempts],
    );
  }

  /**
   * A run retried: processing again from the progress its kept steps weigh
   * (the caller's next change sets it), its error gone, its retries counted.
   */
  reopenRun(id: string): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks
       SET status = 'processing', progress = 0, error = NULL, finished_at = NULL,
           attempt = attempt + 1, updated_at = now()
       WHERE id = $1 AND kind = 'workflow' AND status IN ${FINAL}
       RETURNING *`,
      [id],
    );
  }

  // --- runs ----------------------------------------------------------------

  /** A step's new state, if it still has the status the change was made from. */
  /** The step as updated; undefined when it was no longer `from`. */
  updateStep(id: string, from: TaskStatus, update: StepUpdate): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks
       SET status = $3, input_file_id = $4, output_file_id = $5,
           error = CASE WHEN $6::boolean THEN $7::jsonb ELSE error END,
           skip_reason = CASE WHEN $8::boolean THEN $9::jsonb ELSE skip_reason END,
           progress = COALESCE($10::int, progress),
           finished_at = CASE WHEN $3 IN ${FINAL} THEN COALESCE(finished_at, now()) ELSE finished_at END,
           -- A conditions step is decided the moment it gets its input.
           started_at = CASE WHEN $3 = 'completed' THEN COALESCE(started_at, now()) ELSE started_at END,
           updated_at = now()
       WHERE id = $1 AND status = $2
       RETURNING *`,
      [
        id,
        from,
        update.status,
        update.input_file_id,
        update.output_file_id,
        update.error !== undefined,
        json(update.error),
        update.skip_reason !== undefined,
        json(update.skip_reason),
        update.progress ?? null,
      ],
    );
  }

  /**
   * The run's own row: its status and progress as summarised from its steps
   * (progress never goes back: {@link recordProgress} may have moved it
   * further). Answers it as updated, unless it had ended.
   */
  updateRun(
    id: string,
    change: {
      status: TaskStatus;
      progress: number;
      error?: TaskError | null;
      input_file_id?: string;
    },
  ): Promise<TaskRow | undefined> {
    return this.sql.first<TaskRow>(
      `UPDATE scheduler.tasks
       SET status = $2, progress = GREATEST(progress, $3),
           error = CASE WHEN $4::boolean THEN $5::jsonb ELSE error END,
           input_file_id = COALESCE($6, input_file_id),
           finished_at = CASE WHEN $2 IN ${FINAL} THEN COALESCE(finished_at, now()) ELSE finished_at END,
           updated_at = now()
       WHERE id = $1 AND status NOT IN ${FINAL}
       RETURNING *`,
      [
        id,
        change.status,
        change.progress,
        change.error !== undefined,
        json(change.error),
        change.input_file_id ?? null,
      ],
    );
  }

  // --- triggers ------------------------------------------------------------

  /**
   * Marks a completed standalone ingest's triggers evaluated, in the
   * transaction that makes their runs. False when they already were: a
   * replica or an earlier attempt got there first, and nothing is made twice.
   */
  async markTriggersEvaluated(ingestId: string): Promise<boolean> {
    const changed = await this.sql.count(
      `UPDATE scheduler.tasks SET triggers_evaluated_at = now()
       WHERE id = $1 AND kind = 'ingest' AND status = 'completed' AND triggers_evaluated_at IS NULL`,
      [ingestId],
    );
    return changed > 0;
  }

  /** Completed standalone ingests whose triggers are still to evaluate (the registry did not answer), oldest first. */
  triggersDue(limit: number): Promise<TaskRow[]> {
    return this.sql.rows<TaskRow>(
      `SELECT * FROM scheduler.tasks
       WHERE kind = 'ingest' AND id = run_id AND status = 'completed' AND triggers_evaluated_at IS NULL
       ORDER BY finished_at LIMIT $1`,
      [limit],
    );
  }

  /** The runs each of these files started when it was stored, oldest first; files that started none are left out. */
  async triggeredRuns(fileIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.sql.rows<{ file_id: string; run_ids: string[] }>(
      `SELECT trigger_file_id AS file_id, array_agg(id ORDER BY created_at, id) AS run_ids
       FROM scheduler.tasks WHERE trigger_file_id = ANY($1::text[])
       GROUP BY trigger_file_id`,
      [[...fileIds]],
    );
    return new Map(rows.map((row) => [row.file_id, row.run_ids]));
  }
}
