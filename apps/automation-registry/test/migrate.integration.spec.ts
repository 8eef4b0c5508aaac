import { randomBytes } from 'node:crypto';
import { parseConfig } from '@mediaflow/config';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { migrationsCommand } from '@mediaflow/service-kit';
import { registryConfigSchema, startRegistry } from '../src';
import { registryDatabase } from '../src/database/registry-database';
import { registryMigrations } from '../src/database/migrations';

// What `node dist/migrate.js` runs (src/migrate.ts is one call of it), on the
// real PostgreSQL; the scheduler's tests run the command as a process.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const MIGRATION_NAMES = registryMigrations.map((migration) => new migration().name);

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

async function migrate(): Promise<{ status: number; applied: unknown[]; errors: string[] }> {
  const out: string[] = [];
  const errors: string[] = [];
  const status = await migrationsCommand({
    service: 'automation-registry',
    ...registryDatabase,
    env: { DATABASE_URL: db.url },
    stdout: (line) => out.push(line),
    stderr: (line) => errors.push(line),
  });
  const lines = out.map((line) => JSON.parse(line) as { msg: string; migration?: string });
  return {
    status,
    applied: lines.filter((l) => l.msg === 'migration applied').map((l) => l.migration),
    errors,
  };
}

it('the migrate command applies every registry migration on an empty database, and none the second time', async () => {
  expect(await migrate()).toEqual({ status: 0, applied: MIGRATION_NAMES, errors: [] });
  expect(await migrate()).toEqual({ status: 0, applied: [], errors: [] });
});

describe('the registry with MEDIAFLOW_MIGRATE_ON_START=false', () => {
  const start = () =>
    startRegistry(
      {
        ...parseConfig(registryConfigSchema, {
          DATABASE_URL: db.url,
          NATS_URL,
          NATS_SUBJECT_PREFIX: `t${randomBytes(6).toString('hex')}`,
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          MEDIAFLOW_MIGRATE_ON_START: 'false',
        }),
        PORT: 0,
      },
      { shutdownHooks: false },
    );

  it('refuses to start on an unmigrated database, naming the pending migrations and the command', async () => {
    await expect(start()).rejects.toThrow(
      `the "registry" schema has ${MIGRATION_NAMES.length} pending migrations: ${MIGRATION_NAMES.join(', ')}. ` +
        'MEDIAFLOW_MIGRATE_ON_START is false, so the service does not apply migrations: ' +
        'run `node dist/migrate.js` of this service first (the migrations Job)',
    );
  });

  it('starts on a database the command has migrated', async () => {
    expect((await migrate()).status).toBe(0);
    const registry = await start();
    try {
      expect((await fetch(`${registry.url}/ready`)).status).toBe(200);
    } finally {
      await registry.close();
    }
  });
});
