import { databaseName } from '@mediaflow/database';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationsCommand, type MigrationsCommandOptions } from './migrations-command';

// Against the real PostgreSQL, each test on a database of its own.

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE "kit"."widgets" (id text PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "kit"."widgets"');
  }
}

class AddSize1700000000001 implements MigrationInterface {
  name = 'AddSize1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "kit"."widgets" ADD COLUMN size int');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "kit"."widgets" DROP COLUMN size');
  }
}

class Broken1700000000002 implements MigrationInterface {
  name = 'Broken1700000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "kit"."no_such_table" ADD COLUMN x int');
  }
  async down(): Promise<void> {}
}

interface Run {
  status: 0 | 1;
  lines: Record<string, unknown>[];
  errors: string[];
}

describe('migrationsCommand (`node dist/migrate.js`)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  async function run(
    env: Record<string, string>,
    migrations: MigrationsCommandOptions['migrations'] = [
      CreateWidgets1700000000000,
      AddSize1700000000001,
    ],
  ): Promise<Run> {
    const out: string[] = [];
    const errors: string[] = [];
    const status = await migrationsCommand({
      service: 'kit',
      schema: 'kit',
      entities: [],
      migrations,
      env,
      stdout: (line) => out.push(line),
      stderr: (line) => errors.push(line),
    });
    return { status, lines: out.map((line) => JSON.parse(line)), errors };
  }

  /** The migrations recorded as applied, read from the database. */
  const recorded = async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name FROM "kit"."migrations" ORDER BY id');
      return rows.map((row: { name: string }) => row.name);
    } finally {
      await client.end();
    }
  };

  it('creates the database, applies every migration with a JSON line each, then finds none pending', async () => {
    await db.drop();
    const first = await run({ DATABASE_URL: db.url });
    expect(first.errors).toEqual([]);
    expect(first.status).toBe(0);
    const database = databaseName(db.url);
    expect(first.lines).toEqual(
      ['CreateWidgets1700000000000', 'AddSize1700000000001'].map((migration) => ({
        level: 30,
        time: expect.any(Number),
        service: 'kit',
        msg: 'migration applied',
        database,
        schema: 'kit',
        migration,
      })),
    );
    expect(await recorded()).toEqual(['CreateWidgets1700000000000', 'AddSize1700000000001']);

    const second = await run({ DATABASE_URL: db.url });
    expect(second).toEqual({
      status: 0,
      lines: [
        {
          level: 30,
          time: expect.any(Number),
          service: 'kit',
          msg: 'no pending migrations',
          database,
          schema: 'kit',
        },
      ],
      errors: [],
    });
  });

  it('needs nothing but DATABASE_URL: settings a service would refuse are not read', async () => {
    const result = await run({
      DATABASE_URL: db.url,
      NATS_AUTH_REQUIRED: 'true',
      NATS_URL: 'http://not-nats',
      MEDIAFLOW_STORAGE: 's3',
    });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('still migrates, silently, when LOG_LEVEL is above info', async () => {
    expect(await run({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' })).toEqual({
      status: 0,
      lines: [],
      errors: [],
    });
    expect(await recorded()).toHaveLength(2);
  });

  it.each([
    [
      'a DATABASE_URL that is not PostgreSQL',
      { DATABASE_URL: 'mysql://db/x' },
      /^kit: cannot migrate: Invalid configuration: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL \(got "mysql:\/\/db\/x"\)\n$/,
    ],
    [
      'a server it cannot reach, without the password',
      { DATABASE_URL: 'postgres://me:secret@127.0.0.1:1/x' },
      /^kit: cannot migrate: Cannot reach PostgreSQL at postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/x: .+\n$/,
    ],
  ])('exits 1 with one line on %s', async (_, env, message) => {
    const result = await run(env);
    expect(result.status).toBe(1);
    expect(result.lines).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
  });

  it('exits 1 on a failing migration, keeping those applied before it for the next run', async () => {
    const result = await run({ DATABASE_URL: db.url }, [
      CreateWidgets1700000000000,
      AddSize1700000000001,
      Broken1700000000002,
    ]);
    expect(result.status).toBe(1);
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^kit: cannot migrate: migration Broken1700000000002 failed: relation "kit.no_such_table" does not exist\n$/,
      ),
    ]);
    expect(await recorded()).toEqual(['CreateWidgets1700000000000', 'AddSize1700000000001']);
  });
});
