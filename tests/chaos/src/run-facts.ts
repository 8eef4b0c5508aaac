import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import type { RunFacts, TaskFacts } from './chaos-tally';
import { CHAOS_SOURCE_PATTERN } from './mixed-workflow';

/** Runs one query on a connection of its own: the server may have been restarted since the last. */
export async function query<T extends object>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Chaos runs not ended yet, and how many there are in all. */
export async function unfinishedRuns(
  databaseUrl: string,
): Promise<{ runs: number; unfinished: number }> {
  const [row] = await query<{ runs: number; unfinished: number }>(
    databaseUrl,
    `SELECT count(*)::int AS runs,
            count(*) FILTER (WHERE status NOT IN ('completed', 'failed', 'cancelled'))::int AS unfinished
       FROM scheduler.tasks WHERE parent_id IS NULL AND source_url LIKE $1`,
    [CHAOS_SOURCE_PATTERN],
  );
  return row!;
}

/** Tasks a worker holds now (dispatched, not ended), of the given kinds or of any. */
export async function tasksUnderWay(
  databaseUrl: string,
  kinds?: readonly string[],
): Promise<number> {
  const [row] = await query<{ n: number }>(
    databaseUrl,
    `SELECT count(*)::int AS n FROM scheduler.tasks
      WHERE status = 'processing' AND parent_id IS NOT NULL AND ($1::text[] IS NULL OR kind = ANY($1))`,
    [kinds ?? null],
  );
  return row!.n;
}

/**
 * Every chaos run with its tasks, each task's recorded files checked
 * against storage (`<filesRoot>/<storage_key>`, with its size), and the
 * files in storage under a task's keys that no row records.
 */
export async function collectRunFacts(databaseUrl: string, filesRoot: string): Promise<RunFacts[]> {
  const roots = await query<{ id: string; source_url: string; status: string }>(
    databaseUrl,
    `SELECT id, source_url, status FROM scheduler.tasks WHERE parent_id IS NULL AND source_url LIKE $1`,
    [CHAOS_SOURCE_PATTERN],
  );
  const tasks = await query<{
    id: string;
    run_id: string;
    kind: string;
    status: string;
    error_code: string | null;
  }>(
    databaseUrl,
    `SELECT t.id, t.run_id, t.kind, t.status, t.error->>'code' AS error_code
       FROM scheduler.tasks t JOIN scheduler.tasks r ON r.id = t.run_id
      WHERE r.parent_id IS NULL AND r.source_url LIKE $1 AND t.id <> t.run_id`,
    [CHAOS_SOURCE_PATTERN],
  );
  const files = await query<{ task_id: string; storage_key: string; filesize: string }>(
    databaseUrl,
    `SELECT f.task_id, f.storage_key, f.filesize
       FROM scheduler.files f
       JOIN scheduler.tasks t ON t.id = f.task_id
       JOIN scheduler.tasks r ON r.id = t.run_id
      WHERE r.parent_id IS NULL AND r.source_url LIKE $1 AND f.deleted_at IS NULL`,
    [CHAOS_SOURCE_PATTERN],
  );
  const stored = await storedByTask(filesRoot);

  const recorded = new Map<string, TaskFacts['files']>();
  for (const file of files) {
    const size = await stat(path.join(filesRoot, file.storage_key)).then(
      (info) => info.size,
      () => -1,
    );
    recorded.set(file.task_id, [
      ...(recorded.get(file.task_id) ?? []),
      { key: file.storage_key, stored: size === Number(file.filesize) },
    ]);
  }
  const tasksByRun = new Map<string, TaskFacts[]>();
  for (const task of tasks) {
    const own = recorded.get(task.id) ?? [];
    const keys = new Set(own.map((file) => file.key));
    tasksByRun.set(task.run_id, [
      ...(tasksByRun.get(task.run_id) ?? []),
      {
        id: task.id,
        kind: task.kind,
        status: task.status,
        errorCode: task.error_code,
        files: own,
        unrecorded: (stored.get(task.id) ?? []).filter((key) => !keys.has(key)),
      },
    ]);
  }
  return roots.map((root) => ({
    id: root.id,
    sourceUrl: root.source_url,
    status: root.status,
    tasks: tasksByRun.get(root.id) ?? [],
  }));
}

/** The storage keys under `projects/<project>/tasks/<task>/`, by task id. */
async function storedByTask(filesRoot: string): Promise<Map<string, string[]>> {
  const byTask = new Map<string, string[]>();
  const projects = path.join(filesRoot, 'projects');
  for (const project of await readdir(projects).catch(() => [] as string[])) {
    const tasksDir = path.join(projects, project, 'tasks');
    for (const taskId of await readdir(tasksDir).catch(() => [] as string[])) {
      const taskDir = path.join(tasksDir, taskId);
      const keys = (await readdir(taskDir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(filesRoot, path.join(entry.parentPath, entry.name)));
      byTask.set(taskId, keys);
    }
  }
  return byTask;
}
