import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { withDatabase } from './database-url';
import { ensureDatabase } from './ensure-database';
import {
  migrateServiceDatabase,
  openServiceDatabase,
  pendingMigrations,
  serviceDataSourceOptions,
} from './service-data-source';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

// Against the real PostgreSQL (DATABASE_URL, default the local one).
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(q: QueryRunner): Promise<void> {
    // Slow enough that two racing replicas would collide without the lock.
    await q.query('SELECT pg_sleep(0.2)');
    await q.query('CREATE TABLE "things"."thing" (id text PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "things"."thing"');
  }
}

describe('openServiceDatabase', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(baseUrl);
  });
  afterEach(async () => {
    await db.drop();
  });

  const open = () =>
    openServiceDatabase({
      url: db.url,
      schema: 'things',
      entities: [],
      migrations: [CreateThings1700000000000],
    });

  it('creates the schema, applies migrations once and records them inside the schema', async () => {
    const first = await open();
    await first.destroy();
    const second = await open();
    const rows = await second.query('SELECT name FROM "things"."migrations"');
    expect(rows).toEqual([{ name: 'CreateThings1700000000000' }]);
    await second.destroy();
  });

  it('lets replicas that start together migrate without colliding', async () => {
    const sources = await Promise.all([open(), open(), open()]);
    const rows = await sources[0]!.query('SELECT count(*)::int AS n FROM "things"."migrations"');
    expect(rows).toEqual([{ n: 1 }]);
    await Promise.all(sources.map((s) => s.destroy()));
  });
});

class AddColour1700000000001 implements MigrationInterface {
  name = 'AddColour1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "things"."thing" ADD COLUMN colour text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "things"."thing" DROP COLUMN colour');
  }
}

describe('migrateServiceDatabase (what a migrations Job runs)', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(baseUrl);
  });
  afterEach(async () => {
    await db.drop();
  });

  const things = (migrations: (new () => MigrationInterface)[]) => ({
    url: db.url,
    schema: 'things',
    entities: [],
    migrations,
  });

  it('creates the database, applies every migration, and applies none the second time', async () => {
    await db.drop();
    const both = things([CreateThings1700000000000, AddColour1700000000001]);
    expect(await migrateServiceDatabase(both)).toEqual([
      'CreateThings1700000000000',
      'AddColour1700000000001',
    ]);
    expect(await migrateServiceDatabase(both)).toEqual([]);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const columns = await client.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'things' AND table_name = 'thing' ORDER BY 1`,
    );
    await client.end();
    expect(columns.rows).toEqual([{ column_name: 'colour' }, { column_name: 'id' }]);
  });

  it('applies only the migrations a release added', async () => {
    expect(await migrateServiceDatabase(things([CreateThings1700000000000]))).toEqual([
      'CreateThings1700000000000',
    ]);
    expect(
      await migrateServiceDatabase(things([CreateThings1700000000000, AddColour1700000000001])),
    ).toEqual(['AddColour1700000000001']);
  });

  it('lets a Job and starting replicas race without colliding', async () => {
    const all = things([CreateThings1700000000000]);
    // CreateThings sleeps: without the one lock, the second CREATE TABLE would fail.
    const [, ...replicas] = await Promise.all([
      migrateServiceDatabase(all),
      openServiceDatabase(all),
      openServiceDatabase(all),
    ]);
    const rows = await replicas[0]!.query('SELECT count(*)::int AS n FROM "things"."migrations"');
    expect(rows).toEqual([{ n: 1 }]);
    await Promise.all(replicas.map((r) => r.destroy()));
  });
});

describe('pendingMigrations', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(baseUrl);
  });
  afterEach(async () => {
    await db.drop();
  });

  const connect = async () => {
    const dataSource = new DataSource(
      serviceDataSourceOptions({
        url: db.url,
        schema: 'things',
        entities: [],
        migrations: [CreateThings1700000000000, AddColour1700000000001],
      }),
    );
    return dataSource.initialize();
  };

  it('names every migration of a schema that does not exist yet, and creates nothing', async () => {
    const dataSource = await connect();
    try {
      expect(await pendingMigrations(dataSource)).toEqual([
        'CreateThings1700000000000',
        'AddColour1700000000001',
      ]);
      expect(await dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'things'`)).toEqual(
        [],
      );
    } finally {
      await dataSource.destroy();
    }
  });

  it('names only those not applied yet, and none once all are', async () => {
    await migrateServiceDatabase({
      url: db.url,
      schema: 'things',
      entities: [],
      migrations: [CreateThings1700000000000],
    });
    const dataSource = await connect();
    try {
      expect(await pendingMigrations(dataSource)).toEqual(['AddColour1700000000001']);
      await dataSource.runMigrations();
      expect(await pendingMigrations(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database and leaves an existing one alone', async () => {
    const name = `mediaflow_ensure_${randomBytes(4).toString('hex')}`;
    const url = withDatabase(baseUrl, name);
    await ensureDatabase(url);
    await ensureDatabase(url);
    const admin = new Client({ connectionString: withDatabase(baseUrl, 'postgres') });
    await admin.connect();
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await admin.query(`DROP DATABASE "${name}"`);
    await admin.end();
    expect(found.rowCount).toBe(1);
  });

  it('says which server it could not reach, without the password', async () => {
    await expect(ensureDatabase('postgres://me:secret@127.0.0.1:1/x')).rejects.toThrow(
      /Cannot reach PostgreSQL at postgres:\/\/me:\*\*\*@127.0.0.1:1\/x/,
    );
  });
});
