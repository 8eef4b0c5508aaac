import {
  endpointWants,
  type LoggedEventRecord,
  type LoggedEventType,
  type ProjectEventRecord,
} from '@mediaflow/contracts';
import { json, type Sql } from '../database/sql';
import type { EventDeliveriesRepository } from './event-deliveries.repository';

/** An event to keep, with the run it belongs to. */
export interface NewEvent {
  project_id: string;
  run_id: string;
  event: ProjectEventRecord;
}

/**
 * A row of the log to write: a task's event names its run and task; a
 * file's or an automation's belongs to no run (an automation's names the
 * automation, so that its filter finds it).
 */
export interface LogEntry {
  project_id: string;
  run_id: string | null;
  task_id: string | null;
  automation_id: string | null;
  event: LoggedEventRecord;
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

/** `GET /events`' filters. */
export interface EventPageFilter extends EventFilter {
  type?: LoggedEventType;
}

interface EventRow {
  xid: string;
  seq: string;
  id: string;
  type: LoggedEventType;
  created_at: string;
  data: unknown;
}

/** An event kept by this statement, and an active endpoint of its project. */
interface Subscriber {
  event_id: string;
  type: string;
  endpoint_id: string;
  enabled_events: string[];
}

const toRecord = (row: Pick<EventRow, 'id' | 'type' | 'created_at' | 'data'>) =>
  ({
    id: row.id,
    type: row.type,
    created_at: Number(row.created_at),
    data: row.data,
  }) as LoggedEventRecord;

/** `scheduler.events`: the project's event log. */
export class EventsRepository {
  constructor(
    private readonly sql: Sql,
    private readonly deliveries: EventDeliveriesRepository,
  ) {}

  /** Keeps a run's events in one statement; an event kept already (the same id) is kept once. */
  insert(events: readonly NewEvent[]): Promise<void> {
    return this.keep(
      events.map(({ project_id, run_id, event }) => ({
        project_id,
        run_id,
        task_id: event.data.id,
        automation_id: event.data.automation_id,
        event,
      })),
    );
  }

  /**
   * Keeps events, each once (by id), and in the same transaction makes
   * their deliveries to the active webhook endpoints that want them. One
   * statement when the project has no endpoint.
   */
  async keep(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const subscribers = await this.sql.rows<Subscriber>(
      `WITH kept AS (
         INSERT INTO scheduler.events (id, project_id, run_id, task_id, automation_id, type, created_at, data)
         SELECT id, project_id, run_id, task_id, automation_id, type, created_at, data
         FROM jsonb_to_recordset($1::jsonb) AS e(id text, project_id text, run_id text, task_id text,
           automation_id text, type text, created_at bigint, data jsonb)
         ON CONFLICT (id) DO NOTHING
         RETURNING id, project_id, type
       )
       SELECT k.id AS event_id, k.type, w.id AS endpoint_id, w.enabled_events
       FROM kept k JOIN scheduler.webhook_endpoints w
         ON w.project_id = k.project_id AND w.status = 'active'`,
      [
        json(
          entries.map(({ project_id, run_id, task_id, automation_id, event }) => ({
            id: event.id,
            project_id,
            run_id,
            task_id,
            automation_id,
            type: event.type,
            created_at: event.created_at,
            data: event.data,
          })),
        ),
      ],
    );
    await this.deliveries.add(
      subscribers
        .filter((s) => endpointWants(s.enabled_events, s.type))
        .map((s) => ({ event_id: s.event_id, endpoint_id: s.endpoint_id })),
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
    events: { event: LoggedEventRecord; position: LogPosition }[];
    hasMore: boolean;
    pending: boolean;
  }> {
    const params: unknown[] = [after.xid, after.seq];
    const where = `(e.xid, e.seq) > ($1::xid8, $2::bigint) AND ${filterSql(filter, params)}`;
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
        event: toRecord(row),
        position: { xid: row.xid, seq: row.seq },
      })),
      hasMore: readable.length > limit,
      pending: readable.length < rows.length,
    };
  }

  /** A page of the project's events, newest first, and how many match in all. */
  async page(
    filter: EventPageFilter,
    page: { page: number; limit: number },
  ): Promise<{ events: LoggedEventRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = filterSql(filter, params);
    const [counted] = await this.sql.rows<{ total: number }>(
      `SELECT count(*)::int AS total FROM scheduler.events e WHERE ${where}`,
      params,
    );
    const rows = await this.sql.rows<EventRow>(
      `SELECT e.id, e.type, e.created_at::text AS created_at, e.data
       FROM scheduler.events e WHERE ${where}
       ORDER BY e.seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, (page.page - 1) * page.limit],
    );
    return { events: rows.map(toRecord), total: counted?.total ?? 0 };
  }

  /** One event of the project; undefined when it is not kept (never, or no longer). */
  async find(projectId: string, eventId: string): Promise<LoggedEventRecord | undefined> {
    const row = await this.sql.first<EventRow>(
      `SELECT id, type, created_at::text AS created_at, data FROM scheduler.events
       WHERE id = $1 AND project_id = $2`,
      [eventId, projectId],
    );
    return row && toRecord(row);
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

/** The WHERE of a filter over `scheduler.events e`, its values appended to `params`. */
function filterSql(filter: EventPageFilter, params: unknown[]): string {
  params.push(filter.projectId);
  let where = `e.project_id = $${params.length}`;
  if (filter.taskIds !== undefined) {
    params.push([...filter.taskIds]);
    where += ` AND e.task_id = ANY($${params.length}::text[])`;
  }
  if (filter.automationId !== undefined) {
    params.push(filter.automationId);
    where += ` AND e.automation_id = $${params.length}`;
  }
  if (filter.type !== undefined) {
    params.push(filter.type);
    where += ` AND e.type = $${params.length}`;
  }
  return where;
}
