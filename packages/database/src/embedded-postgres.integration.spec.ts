import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { databaseName } from './database-url';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import { DataDirInUseError } from './owner-file';
import { isProcessAlive } from './process-inspection';
import { openMigratedDataSource, serviceDataSourceOptions } from './service-data-source';

// Real PostgreSQL 18 servers from the embedded-postgres binaries, each in its
// own temporary data directory. initdb takes about a second.
jest.setTimeout(120_000);

class CreateNotes1700000000000 implements MigrationInterface {
  name = 'CreateNotes1700000000000';
  async up(q: QueryRunner): Promise<void> {
    // No IF NOT EXISTS: running it a second time fails the start.
    await q.query('CREATE TABLE "notes"."note" (id text PRIMARY KEY, body text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "notes"."note"');
  }
}

const openNotes = (url: string) =>
  openMigratedDataSource(
    serviceDataSourceOptions({
      url,
      schema: 'notes',
      entities: [],
      migrations: [CreateNotes1700000000000],
    }),
    'notes',
  );

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const fixture = path.join(__dirname, 'fixtures', 'embedded-postgres-owner.js');

interface OwnerInfo {
  url: string;
  postmasterPid: number;
  ownerPid: number;
}

/** Runs the embedded PostgreSQL in another Node process, as a second Mediaflow would. */
async function startInChild(dataDir: string): Promise<{ child: ChildProcess; info: OwnerInfo }> {
  const child = spawn(process.execPath, [fixture, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`owner process exited (${code}): ${stderr}`)));
  });
  return { child, info: JSON.parse(await firstLine) as OwnerInfo };
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The ids PostgreSQL runs under: the postgres user's when we are root, else ours. */
function serverUserIds(): { uid?: number; gid?: number } {
  if (process.getuid!() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** A pid that no process has: one that existed and was reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('startEmbeddedPostgres', () => {
  let dataDir: string;
  const started: EmbeddedDatabase[] = [];
  const children: ChildProcess[] = [];

  const start = async () => {
    const db = await startEmbeddedPostgres({ dataDir });
    started.push(db);
    return db;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mediaflow-embedded-pg-'));
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((db) => db.stop()));
    await Promise.all(children.splice(0).map(killHard));
    // A child killed above may have left its server behind: one more start stops it.
    await startEmbeddedPostgres({ dataDir }).then(
      (db) => db.stop(),
      () => undefined,
    );
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the services’ TypeORM migrations, and keeps rows and migrations across a restart', async () => {
    const first = await start();
    expect(databaseName(first.url)).toBe('mediaflow');
    expect(new URL(first.url).hostname).toBe('127.0.0.1');
    expect(first.dataDir).toBe(path.join(path.resolve(dataDir), 'postgres'));

    const source = await openNotes(first.url);
    await source.query(`INSERT INTO "notes"."note" (id, body) VALUES ('n1', 'kept')`);
    const [settings] = await source.query(
      `SELECT current_setting('listen_addresses') AS listen, current_setting('server_version_num')::int AS version`,
    );
    await source.destroy();
    await first.stop();

    const second = await start();
    // The migration would fail if it ran again (its table exists).
    const again = await openNotes(second.url);
    const notes = await again.query('SELECT id, body FROM "notes"."note"');
    const migrations = await again.query('SELECT name FROM "notes"."migrations"');
    await again.destroy();

    expect(settings).toEqual({ listen: '127.0.0.1', version: expect.any(Number) });
    expect(settings.version).toBeGreaterThanOrEqual(180000);
    expect(notes).toEqual([{ id: 'n1', body: 'kept' }]);
    expect(migrations).toEqual([{ name: 'CreateNotes1700000000000' }]);
    // The same password across restarts, kept private.
    expect(new URL(second.url).password).toBe(new URL(first.url).password);
    expect((await stat(path.join(dataDir, 'postgres.password'))).mode & 0o777).toBe(0o600);
  });

  it('stops the server left running by an owner that was SIGKILLed, and starts on the same data', async () => {
    const { child, info } = await startInChild(dataDir);
    children.push(child);
    await query(info.url, 'CREATE TABLE kept (id int)');
    await query(info.url, 'INSERT INTO kept VALUES (42)');

    await killHard(child);
    // The scenario: the owner is gone, its server is not.
    expect(isProcessAlive(info.ownerPid)).toBe(false);
    expect(isProcessAlive(info.postmasterPid)).toBe(true);

    const db = await start();
    expect(isProcessAlive(info.postmasterPid)).toBe(false);
    expect(await query(db.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    const postmaster = await readFile(path.join(db.dataDir, 'postmaster.pid'), 'utf8');
    expect(Number(postmaster.split('\n')[0])).not.toBe(info.postmasterPid);
  });

  it('refuses a data directory whose owner is alive, and leaves its server alone', async () => {
    const { child, info } = await startInChild(dataDir);
    children.push(child);

    const attempt = startEmbeddedPostgres({ dataDir });
    await expect(attempt).rejects.toThrow(DataDirInUseError);
    await expect(attempt).rejects.toThrow(
      `another Mediaflow (pid ${info.ownerPid}) uses ${path.resolve(dataDir)}; stop it or set MEDIAFLOW_DATA_DIR`,
    );
    expect(await query(info.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('refuses to start the same cluster twice in one process', async () => {
    await start();
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
      /already running in this process/,
    );
  });

  it('starts over a postmaster.pid and an owner file whose processes are gone', async () => {
    const db = await start();
    const postmasterFile = path.join(db.dataDir, 'postmaster.pid');
    const lines = (await readFile(postmasterFile, 'utf8')).split('\n');
    await db.stop();

    // What a power cut leaves: both lock files, naming processes that are gone.
    const gone = await deadPid();
    await writeFile(postmasterFile, [String(gone), ...lines.slice(1)].join('\n'));
    await writeFile(path.join(dataDir, 'postgres.owner'), JSON.stringify({ pid: await deadPid() }));

    const again = await start();
    expect(await query(again.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('starts over a postmaster.pid whose pid now belongs to an unrelated process', async () => {
    const db = await start();
    const postmasterFile = path.join(db.dataDir, 'postmaster.pid');
    const lines = (await readFile(postmasterFile, 'utf8')).split('\n');
    await db.stop();

    // After a container restart the old pid can be anyone's; PostgreSQL
    // alone would refuse ("Is another postmaster running?") when that process
    // runs as its own user (as root it runs as postgres).
    const unrelated = spawn('sleep', ['60'], serverUserIds());
    children.push(unrelated);
    await writeFile(postmasterFile, [String(unrelated.pid), ...lines.slice(1)].join('\n'));

    const again = await start();
    expect(await query(again.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect(isProcessAlive(unrelated.pid!)).toBe(true);
  });
});
