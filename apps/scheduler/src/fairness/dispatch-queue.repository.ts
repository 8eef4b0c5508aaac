import type { TaskKind } from '@mediaflow/contracts';
import type { Sql } from '../database/sql';
import type { TaskRow } from '../tasks/task-row';
import type { HeldTask, KindLoad } from './fair-share';

/** Live tasks of the kind `$1`: dispatched or running, no retry waiting for its backoff. */
const LIVE_OF_KIND = `kind = $1 AND status IN ('pending', 'processing') AND next_attempt_at IS NULL`;

/**
 * What fair dispatch reads and writes of `scheduler.tasks`: counts of a
 * kind's live tasks, holding dispatches back and releasing them. A held
 * dispatch is `pending` with `held_since` set and `published_at` null: the
 * reconciler neither publishes it again nor takes it for silent.
 */
export class DispatchQueueRepository {
  constructor(private readonly sql: Sql) {}

  /** The kind's queued, running and held tasks, and those of one project (if named) in flight. */
  async load(
    kind: TaskKind,
    projectId: string | null,
  ): Promise<KindLoad & { projectInFlight: number }> {
    const [row] = await this.sql.rows<Record<keyof KindLoad | 'project_in_flight', string>>(
      `SELECT count(*) FILTER (WHERE status = 'pending' AND held_since IS NULL) AS queued,
              count(*) FILTER (WHERE status = 'processing') AS processing,
              count(*) FILTER (WHERE held_since IS NOT NULL) AS held,
              count(*) FILTER (WHERE held_since IS NULL AND project_id = $2) AS project_in_flight
       FROM scheduler.tasks WHERE ${LIVE_OF_KIND}`,
      [kind, projectId],
    );
    return {
      queued: Number(row?.queued ?? 0),
      processing: Number(row?.processing ?? 0),
      held: Number(row?.held ?? 0),
      projectInFlight: Number(row?.project_in_flight ?? 0),
    };
  }

  /** Holds these attempts back, unless they moved on (published, cancelled, a newer attempt). */
  async hold(attempts: ReadonlyArray<{ id: string; attempt: number }>): Promise<void> {
    await this.sql.rows(
      `UPDATE scheduler.tasks AS t SET held_since = now()
       FROM unnest($1::text[], $2::int[]) AS h(id, attempt)
       WHERE t.id = h.id AND t.attempt = h.attempt AND t.status = 'pending'
         AND t.published_at IS NULL AND t.held_since IS NULL`,
      [attempts.map((a) => a.id), attempts.map((a) => a.attempt)],
    );
  }

  /**
   * The kind's held tasks, the longest held first, at most `perProject` of
   * each project (no pick can take more of one), with how many each of
   * their projects has in flight.
   */
  async held(
    kind: TaskKind,
    perProject: number,
  ): Promise<{ tasks: HeldTask[]; inFlight: Map<string, number> }> {
    const tasks = await this.sql.rows<HeldTask>(
      `SELECT id, project_id FROM (
         SELECT id, project_id, held_since,
                row_number() OVER (PARTITION BY project_id ORDER BY held_since, id) AS place
         FROM scheduler.tasks WHERE kind = $1 AND held_since IS NOT NULL AND status = 'pending'
       ) AS held
       WHERE place <= $2
       ORDER BY held_since, id`,
      [kind, perProject],
    );
    const projects = [...new Set(tasks.map((task) => task.project_id))];
    const counts = await this.sql.rows<{ project_id: string; in_flight: string }>(
      `SELECT project_id, count(*) AS in_flight FROM scheduler.tasks
       WHERE ${LIVE_OF_KIND} AND held_since IS NULL AND project_id = ANY($2::text[])
       GROUP BY project_id`,
      [kind, projects],
    );
    return {
      tasks,
      inFlight: new Map(counts.map((c) => [c.project_id, Number(c.in_flight)])),
    };
  }

  /**
   * Releases these held tasks: no longer held, their dispatch time now (the
   * reconciler publishes one whose publish is lost after a crash from then).
   */
  release(ids: readonly string[]): Promise<TaskRow[]> {
    return this.sql.rows<TaskRow>(
      `UPDATE scheduler.tasks SET held_since = NULL, dispatched_at = now(), updated_at = now()
       WHERE id = ANY($1::text[]) AND held_since IS NOT NULL AND status = 'pending'
       RETURNING *`,
      [ids],
    );
  }

  /** Held tasks per kind (kinds with none left out): for the autoscaler, and to find work to release. */
  async heldPerKind(): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ kind: string; held: string }>(
      `SELECT kind, count(*) AS held FROM scheduler.tasks
       WHERE held_since IS NOT NULL AND status = 'pending' GROUP BY kind`,
    );
    return new Map(rows.map((row) => [row.kind, Number(row.held)]));
  }

  /** Serialises releases of one kind across replicas, until the transaction ends. */
  async lockKind(kind: TaskKind): Promise<void> {
    await this.sql.rows('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `mediaflow:scheduler:release:${kind}`,
    ]);
  }
}
