import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@mediaflow/config';
import { databaseName } from '@mediaflow/database';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { deleteTaskStreams } from '@mediaflow/testing';
import { schedulerConfigSchema, startScheduler } from '../src';
import { schedulerMigrations } from '../src/database/migrations';

// `migrate.js` as its own process, on the real PostgreSQL. It runs from its
// TypeScript source (scripts/register-ts, as the all-in-one's doctor tests
// do), since no app's tests run its dist/: what runs is what is tested.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REGISTER_TS = path.resolve(__dirname, '../../../scripts/register-ts.js');
const MIGRATE = path.resolve(__dirname, '../src/migrate.ts');
const MIGRATION_NAMES = schedulerMigrations.map((migration) => new migration().name);

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node migrate.js` with only `env` (and PATH): nothing else of this environment leaks in. */
const migrate = (env: Record<string, string>) =>
  new Promise<Exit>((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', REGISTER_TS, MIGRATE],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (_, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

describe('migrate.js, as its own process', () => {
  it('creates the database and applies every migration, a JSON line each; a second run applies none', async () => {
    await db.drop();
    const env = {
      DATABASE_URL: db.url,
      // The scheduler itself would refuse this; the migrations Job has no NATS user.
      NATS_AUTH_REQUIRED: 'true',
    };
    const first = await migrate(env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(lines(first.stdout)).toEqual(
      MIGRATION_NAMES.map((migration) => ({
        level: 30,
        time: expect.any(Number),
        service: 'scheduler',
        msg: 'migration applied',
        database: databaseName(db.url),
        schema: 'scheduler',
        migration,
      })),
    );

    const second = await migrate(env);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(lines(second.stdout)).toEqual([
      expect.objectContaining({ msg: 'no pending migrations', schema: 'scheduler' }),
    ]);
  });

  it('exits 1 with one line saying why when PostgreSQL cannot be reached', async () => {
    const result = await migrate({ DATABASE_URL: 'postgres://mediaflow:secret@127.0.0.1:1/x' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^scheduler: cannot migrate: Cannot reach PostgreSQL at postgres:\/\/mediaflow:\*\*\*@127\.0\.0\.1:1\/x: [^\n]+\n$/,
    );
  });
});

describe('the scheduler with MEDIAFLOW_MIGRATE_ON_START=false', () => {
  const prefix = `t${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-scheduler-migrate-'));
  afterAll(async () => {
    await deleteTaskStreams(NATS_URL, prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    startScheduler(
      {
        ...parseConfig(schedulerConfigSchema, {
          DATABASE_URL: db.url,
          NATS_URL,
          NATS_SUBJECT_PREFIX: prefix,
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          MEDIAFLOW_DATA_DIR: dataDir,
          MEDIAFLOW_MIGRATE_ON_START: 'false',
        }),
        PORT: 0,
      },
      { shutdownHooks: false },
    );

  it('refuses to start on an unmigrated database, naming the pending migrations and the command', async () => {
    await expect(start()).rejects.toThrow(
      `the "scheduler" schema has ${MIGRATION_NAMES.length} pending migrations: ${MIGRATION_NAMES.join(', ')}. ` +
        'MEDIAFLOW_MIGRATE_ON_START is false, so the service does not apply migrations: ' +
        'run `node dist/migrate.js` of this service first (the migrations Job)',
    );
  });

  it('starts once the command has migrated the database', async () => {
    expect((await migrate({ DATABASE_URL: db.url })).code).toBe(0);
    const scheduler = await start();
    try {
      expect((await fetch(`${scheduler.url}/ready`)).status).toBe(200);
    } finally {
      await scheduler.close();
    }
  });
});
