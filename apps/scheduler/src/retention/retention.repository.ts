import { FINAL_TASK_STATUSES, type TaskObjectKind, type TaskStatus } from '@mediaflow/contracts';
import type { Sql } from '../database/sql';
import type { FileRow } from '../files/file-row';
import type { FileUnderReview, RunUnderReview } from './retention-rules';

/** Where a root is in retention's walk: ended roots, oldest first. */
export interface RootKey {
  id: string;
  finished_at: Date;
}

/** Runs walked already in a survey, counted as gone unless they are among `held`. */
export interface WalkedRuns {
  before: RootKey;
  cutoff: Date;
  held: readonly string[];
}

/** What a set of runs holds, counted (and how much of it would go by age alone anyway). */
export interface RunContents {
  tasks: number;
  events: number;
  webhook_deliveries: number;
  event_deliveries: number;
  /** Of those deliveries, the ones the sweep of old deliveries would take anyway. */
  old_webhook_deliveries: number;
  old_event_deliveries: number;
}

/** What deleting runs deleted, counted; `sourceKeys`: the staged uploads of their ingests. */
export interface RemovedRuns {
  tasks: number;
  events: number;
  webhook_deliveries: number;
  event_deliveries: number;
  sourceKeys: string[];
}

/** One pass of a sweep over a table's oldest rows. */
export interface SweepStep {
  deleted: number;
  /** Where the next pass starts; null: the walk reached recent rows or the end, start over. */
  next: string | null;
}

/** The final statuses as an SQL list, in the order of the `tasks_ended_roots_idx` predicate. */
const FINAL = `(${FINAL_TASK_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** An ended root, as the partial index `tasks_ended_roots_idx` holds them. */
const ENDED_ROOT = (t: string) => `${t}.id = ${t}.run_id AND ${t}.status IN ${FINAL}`;

/** A delivery that is over: delivered, or given up (no next attempt). */
const OVER = (d: string) => `(${d}.delivered_at IS NOT NULL OR ${d}.next_attempt_at IS NULL)`;

/**
 * Retention's SQL. Deleting runs and files spans tables other features own
 * (tasks, files, events, deliveries): it is here, in one place, rather than
 * spread over their repositories, because it is one decision.
 */
export class RetentionRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Up to `limit` roots that ended before `cutoff`, after `after` in
   * (finished_at, id) order. With `lock`, each is locked as a run is
   * (`FOR UPDATE`, tasks.repository `lockRun`) and a run someone else holds
   * is passed over: it is at work, and the next pass sees it.
   */
  endedRoots(
    cutoff: Date,
    after: RootKey | null,
    limit: number,
    { lock }: { lock: boolean },
  ): Promise<RootKey[]> {
    return this.sql.rows<RootKey>(
      `SELECT id, finished_at FROM scheduler.tasks t
       WHERE ${ENDED_ROOT('t')} AND finished_at < $1
         AND ($2::timestamptz IS NULL OR (finished_at, id) > ($2::timestamptz, $3::text))
       ORDER BY finished_at, id
       LIMIT $4
       ${lock ? 'FOR UPDATE SKIP LOCKED' : ''}`,
      [cutoff, after?.finished_at ?? null, after?.id ?? null, limit],
    );
  }

  /** These roots, each with the statuses of its run's rows and whether its webhook is still being tried. */
  async runsUnderReview(runIds: readonly string[]): Promise<RunUnderReview[]> {
    if (runIds.length === 0) return [];
    const rows = await this.sql.rows<{
      id: string;
      kind: TaskObjectKind;
      status: TaskStatus;
      finished_at: Date | null;
      triggers_evaluated_at: Date | null;
      statuses: TaskStatus[];
      webhook_being_tried: boolean;
    }>(
      `SELECT r.id, r.kind, r.status, r.finished_at, r.triggers_evaluated_at,
              ARRAY(SELECT DISTINCT t.status FROM scheduler.tasks t WHERE t.run_id = r.id) AS statuses,
              EXISTS (
                SELECT 1 FROM scheduler.tasks t JOIN scheduler.webhook_deliveries d ON d.task_id = t.id
                WHERE t.run_id = r.id AND NOT ${OVER('d')}
              ) AS webhook_being_tried
       FROM scheduler.tasks r
       WHERE r.id = ANY($1::text[]) AND r.id = r.run_id`,
      [[...runIds]],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: row.status,
      finishedAt: row.finished_at,
      triggersEvaluatedAt: row.triggers_evaluated_at,
      statuses: row.statuses,
      webhookBeingTried: row.webhook_being_tried,
    }));
  }

  /**
   * The files the tasks of these runs made (`files.task_id`) or have as
   * their input, output or trigger, each with the runs that use it, these
   * included. `walked` (a survey, which removes nothing) leaves out the runs
   * it has walked past and found removable, as if they were gone. At most
   * one run beyond `runIds.length` is listed: one is enough to keep a file.
   */
  async filesOf(runIds: readonly string[], walked: WalkedRuns | null): Promise<FileUnderReview[]> {
    if (runIds.length === 0) return [];
    const rows = await this.sql.rows<{
      id: string;
      project_id: string;
      storage_key: string;
      filesize: string;
      deleted: boolean;
      used_by: string[];
    }>(
      `WITH run_tasks AS (
         SELECT id, input_file_id, output_file_id, trigger_file_id
         FROM scheduler.tasks WHERE run_id = ANY($1::text[])
       ), candidates AS (
         SELECT f.id FROM scheduler.files f JOIN run_tasks t ON f.task_id = t.id
         UNION SELECT input_file_id FROM run_tasks
         UNION SELECT output_file_id FROM run_tasks
         UNION SELECT trigger_file_id FROM run_tasks
       )
       SELECT f.id, f.project_id, f.storage_key, f.filesize, f.deleted_at IS NOT NULL AS deleted,
              ARRAY(
                SELECT users.run_id FROM (
                  SELECT t.run_id FROM scheduler.tasks t WHERE t.id = f.task_id
                  UNION SELECT t.run_id FROM scheduler.tasks t WHERE t.input_file_id = f.id
                  UNION SELECT t.run_id FROM scheduler.tasks t WHERE t.output_file_id = f.id
                  UNION SELECT t.run_id FROM scheduler.tasks t WHERE t.trigger_file_id = f.id
                ) users
                JOIN scheduler.tasks root ON root.id = users.run_id
                WHERE NOT ($3::timestamptz IS NOT NULL AND ${ENDED_ROOT('root')}
                           AND root.finished_at < $5
                           AND (root.finished_at, root.id) < ($3::timestamptz, $4::text)
                           AND root.id <> ALL($6::text[]))
                LIMIT $2
              ) AS used_by
       FROM scheduler.files f
       WHERE f.id IN (SELECT id FROM candidates)`,
      [
        [...runIds],
        runIds.length + 1,
        walked?.before.finished_at ?? null,
        walked?.before.id ?? null,
        walked?.cutoff ?? null,
        [...(walked?.held ?? [])],
      ],
    );
    return rows.map((row) => ({
      id: row.id,
      projectId: row.project_id,
      storageKey: row.storage_key,
      bytes: row.deleted ? 0 : Number(row.filesize),
      deleted: row.deleted,
      usedBy: row.used_by,
    }));
  }

  /** What these runs hold, counted, for a survey; `cutoff` tells the deliveries old enough to be swept anyway. */
  async contentsOf(runIds: readonly string[], cutoff: Date): Promise<RunContents> {
    const [row] = await this.sql.rows<Record<keyof RunContents, string>>(
      `WITH run_tasks AS (SELECT id FROM scheduler.tasks WHERE run_id = ANY($1::text[])),
            run_events AS (SELECT id FROM scheduler.events WHERE run_id = ANY($1::text[])),
            webhooks AS (
              SELECT d.* FROM scheduler.webhook_deliveries d WHERE d.task_id IN (SELECT id FROM run_tasks)
            ),
            deliveries AS (
              SELECT d.* FROM scheduler.event_deliveries d WHERE d.event_id IN (SELECT id FROM run_events)
            )
       SELECT (SELECT count(*) FROM run_tasks) AS tasks,
              (SELECT count(*) FROM run_events) AS events,
              (SELECT count(*) FROM webhooks) AS webhook_deliveries,
              (SELECT count(*) FROM deliveries) AS event_deliveries,
              (SELECT count(*) FROM webhooks d WHERE d.created_at < $2 AND ${OVER('d')}) AS old_webhook_deliveries,
              (SELECT count(*) FROM deliveries d WHERE d.created_at < $2 AND ${OVER('d')}) AS old_event_deliveries`,
      [[...runIds], cutoff],
    );
    return {
      tasks: Number(row!.tasks),
      events: Number(row!.events),
      webhook_deliveries: Number(row!.webhook_deliveries),
      event_deliveries: Number(row!.event_deliveries),
      old_webhook_deliveries: Number(row!.old_webhook_deliveries),
      old_event_deliveries: Number(row!.old_event_deliveries),
    };
  }

  /**
   * Deletes every row of these runs (whose roots the caller has locked),
   * with their events (and so those events' deliveries, by cascade) and
   * webhook deliveries. A file one of their tasks made loses its maker
   * (`task_id`): the caller deletes the files that go, and the others are
   * kept for the runs that still use them.
   */
  async removeRuns(runIds: readonly string[]): Promise<RemovedRuns> {
    const runs = [[...runIds]];
    const [deliveries] = await this.sql.rows<{ n: string }>(
      `SELECT count(*) AS n FROM scheduler.event_deliveries d JOIN scheduler.events e ON e.id = d.event_id
       WHERE e.run_id = ANY($1::text[])`,
      runs,
    );
    const events = await this.sql.count(
      'DELETE FROM scheduler.events WHERE run_id = ANY($1::text[])',
      runs,
    );
    const webhooks = await this.sql.count(
      `DELETE FROM scheduler.webhook_deliveries d USING scheduler.tasks t
       WHERE t.id = d.task_id AND t.run_id = ANY($1::text[])`,
      runs,
    );
    await this.sql.count(
      `UPDATE scheduler.files f SET task_id = NULL FROM scheduler.tasks t
       WHERE t.id = f.task_id AND t.run_id = ANY($1::text[])`,
      runs,
    );
    // One statement: the run's own foreign keys (run_id, parent_id) are checked at its end.
    const tasks = await this.sql.rows<{ source_key: string | null }>(
      'DELETE FROM scheduler.tasks WHERE run_id = ANY($1::text[]) RETURNING source_key',
      runs,
    );
    return {
      tasks: tasks.length,
      events,
      webhook_deliveries: webhooks,
      event_deliveries: Number(deliveries!.n),
      sourceKeys: tasks.flatMap((task) => (task.source_key ? [task.source_key] : [])),
    };
  }

  /**
   * Deletes these files' rows, answering them as they were with
   * `deleted_at` set. A task that uses one (a run made meanwhile on it)
   * makes the statement fail on the foreign key: the caller's transaction
   * rolls back, and the next pass keeps the file.
   */
  removeFiles(fileIds: readonly string[]): Promise<FileRow[]> {
    if (fileIds.length === 0) return Promise.resolve([]);
    return this.sql.rows<FileRow>(
      `DELETE FROM scheduler.files WHERE id = ANY($1::text[])
       RETURNING id, project_id, task_id, ref, kind, mimetype, format, filename, width, height, duration, fps,
                 filesize, has_audio, has_video, language, storage_key, created_at,
                 COALESCE(deleted_at, now()) AS deleted_at`,
      [[...fileIds]],
    );
  }

  /** Objects to delete from storage once the caller's transaction has committed. */
  async queueStorageDeletions(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sql.rows(
      `INSERT INTO scheduler.storage_deletions (storage_key)
       SELECT unnest($1::text[]) ON CONFLICT (storage_key) DO NOTHING`,
      [[...keys]],
    );
  }

  /** Objects still to delete, those waiting longest first (a failure moves a key to the back). */
  async queuedStorageDeletions(limit: number): Promise<string[]> {
    const rows = await this.sql.rows<{ storage_key: string }>(
      'SELECT storage_key FROM scheduler.storage_deletions ORDER BY queued_at, storage_key LIMIT $1',
      [limit],
    );
    return rows.map((row) => row.storage_key);
  }

  async storageDeletionsPending(): Promise<number> {
    const [row] = await this.sql.rows<{ n: string }>(
      'SELECT count(*) AS n FROM scheduler.storage_deletions',
    );
    return Number(row!.n);
  }

  /** These objects are gone from storage. */
  async storageDeleted(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sql.rows(
      'DELETE FROM scheduler.storage_deletions WHERE storage_key = ANY($1::text[])',
      [[...keys]],
    );
  }

  /** Storage refused to delete this object: tried again later, after the others. */
  async storageDeletionFailed(key: string, error: string): Promise<void> {
    await this.sql.rows(
      `UPDATE scheduler.storage_deletions
       SET attempts = attempts + 1, last_error = left($2, 1000), queued_at = now()
       WHERE storage_key = $1`,
      [key, error],
    );
  }

  /**
   * Deletes, among the `limit` deliveries after `after` (by id, which grows
   * with time), those made before `cutoff` that are over. Walking by id
   * rather than looking for old rows from the start each time: deliveries
   * still being tried (to a paused endpoint, say) are passed over, never
   * in the way of those behind them.
   */
  sweepWebhookDeliveries(cutoff: Date, after: string, limit: number): Promise<SweepStep> {
    return this.sweep('webhook_deliveries', cutoff, after, limit);
  }

  /** {@link sweepWebhookDeliveries} for the deliveries of events to webhook endpoints. */
  sweepEventDeliveries(cutoff: Date, after: string, limit: number): Promise<SweepStep> {
    return this.sweep('event_deliveries', cutoff, after, limit);
  }

  /** How many deliveries made before `cutoff` are over, per kind: what the sweeps would delete. */
  async oldDeliveries(cutoff: Date): Promise<{ webhook: number; event: number }> {
    const [row] = await this.sql.rows<{ webhook: string; event: string }>(
      `SELECT (SELECT count(*) FROM scheduler.webhook_deliveries d WHERE d.created_at < $1 AND ${OVER('d')}) AS webhook,
              (SELECT count(*) FROM scheduler.event_deliveries d WHERE d.created_at < $1 AND ${OVER('d')}) AS event`,
      [cutoff],
    );
    return { webhook: Number(row!.webhook), event: Number(row!.event) };
  }

  private async sweep(
    table: 'webhook_deliveries' | 'event_deliveries',
    cutoff: Date,
    after: string,
    limit: number,
  ): Promise<SweepStep> {
    const [row] = await this.sql.rows<{
      deleted: string;
      seen: string;
      last: string | null;
      reached_recent: boolean | null;
    }>(
      `WITH batch AS (
         SELECT id, created_at FROM scheduler.${table} WHERE id > $2::bigint ORDER BY id LIMIT $3
       ), gone AS (
         DELETE FROM scheduler.${table} d USING batch b
         WHERE d.id = b.id AND d.created_at < $1 AND ${OVER('d')}
         RETURNING d.id
       )
       SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM batch) AS seen,
              (SELECT max(id) FROM batch)::text AS last,
              (SELECT bool_or(created_at >= $1) FROM batch) AS reached_recent`,
      [cutoff, after, limit],
    );
    const done = Number(row!.seen) < limit || row!.reached_recent === true;
    return { deleted: Number(row!.deleted), next: done ? null : row!.last };
  }
}
