import type { ProjectEventRecord, ProjectEventType, TaskRecord } from '@mediaflow/contracts';
import { json, type Sql } from '../database/sql';

/** An event to keep, with the run it belongs to. */
export interface NewEvent {
  project_id: string;
  run_id: string;
  event: ProjectEventRecord;
}

/** A place in the log: the writing transaction, then the order of writing within it. */
export interface LogPosition {
  xid: string;
  seq: string;
}

export interface EventFilter {
  projectId: string;
  taskIds?: readonly string[];
  automationId?: string;
}

interface EventRow {
  xid: string;
  seq: string;
  id: string;
  type: ProjectEventType;
  created_at: string;
  data: TaskRecord;
}

/** `scheduler.events`: the project's event log. */
export class EventsRepository {
  constructor(private readonly sql: Sql) {}

  /** Keeps events in one statement; an event kept already (the same id) is kept once. */
  async insert(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.sql.rows(
      `INSERT INTO scheduler.events (id, project_id, run_id, task_id, automation_id, type, created_at, data)
       SELECT id, project_id, run_id, task_id, automation_id, type, created_at, data
       FROM jsonb_to_recordset($1::jsonb) AS e(id text, project_id text, run_id text, task_id text,
         automation_id text, type text, created_at bigint, data jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [
        json(
          events.map(({ project_id, run_id, event }) => ({
            id: event.id,
            project_id,
            run_id,
            task_id: event.data.id,
            automation_id: event.data.automation_id,
            type: event.type,
            created_at: event.created_at,
            data: event.data,
          })),
        ),
      ],
    );
  }

  /** Where an event of the project is in the log; undefined when it is not kept (never, or no longer). */
  position(projectId: string, eventId: string): Promise<LogPosition | undefined> {
    return this.sql.first<LogPosition>(
      'SELECT xid::text AS xid, seq::text AS seq FROM scheduler.events WHERE id = $1 AND project_id = $2',
      [eventId, projectId],
    );
  }

  /** The end of the log as it can be read now: every event before it is committed. */
  async end(): Promise<LogPosition> {
    const row = await this.sql.first<{ xmin: string }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin',
    );
    return { xid: row!.xmin, seq: '0' };
  }

  /**
   * Up to `limit` events after `after`, in log order. Only events below the
   * oldest transaction still running are read: one committed after it may
   * come before an event that transaction is yet to commit, so it waits
   * (`pending`), and no event is ever read out of order.
   */
  async after(
    filter: EventFilter,
    after: LogPosition,
    limit: number,
  ): Promise<{
    events: (ProjectEventRecord & { position: LogPosition })[];
    hasMore: boolean;
    pending: boolean;
  }> {
    const params: unknown[] = [filter.projectId, after.xid, after.seq];
    let where = 'e.project_id = $1 AND (e.xid, e.seq) > ($2::xid8, $3::bigint)';
    if (filter.taskIds !== undefined) {
      params.push([...filter.taskIds]);
      where += ` AND e.task_id = ANY($${params.length}::text[])`;
    }
    if (filter.automationId !== undefined) {
      params.push(filter.automationId);
      where += ` AND e.automation_id = $${params.length}`;
    }
    params.push(limit + 1);
    const rows = await this.sql.rows<EventRow & { readable: boolean }>(
      `SELECT e.xid::text AS xid, e.seq::text AS seq, e.id, e.type, e.created_at::text AS created_at, e.data,
              e.xid < pg_snapshot_xmin(pg_current_snapshot()) AS readable
       FROM scheduler.events e
       WHERE ${where}
       ORDER BY e.xid, e.seq
       LIMIT $${params.length}`,
      params,
    );
    // Ordered by xid, so the readable rows come first.
    const readable = rows.filter((row) => row.readable);
    return {
      events: readable.slice(0, limit).map((row) => ({
        id: row.id,
        type: row.type,
        created_at: Number(row.created_at),
        data: row.data,
        position: { xid: row.xid, seq: row.seq },
      })),
      hasMore: readable.length > limit,
      pending: readable.length < rows.length,
    };
  }

  /** Forgets events kept since before `cutoff`, oldest first, at most `batch`; answers how many. */
  deleteRecordedBefore(cutoff: Date, batch: number): Promise<number> {
    return this.sql.count(
      `DELETE FROM scheduler.events
       WHERE seq IN (SELECT seq FROM scheduler.events ORDER BY seq LIMIT $2) AND recorded_at < $1`,
      [cutoff, batch],
    );
  }
}
