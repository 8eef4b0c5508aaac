import {
  DataSource,
  MigrationExecutor,
  type DataSourceOptions,
  type EntitySchema,
  type Logger,
  type MixedList,
} from 'typeorm';
import { ensureDatabase, quoteIdentifier } from './ensure-database';

/** What a service's schema is made of: declared once, read by its module and its `migrate.js`. */
export interface ServiceSchema {
  /** The PostgreSQL schema this service owns; no other service reads it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export interface ServiceDatabaseOptions extends ServiceSchema {
  url: string;
  poolSize?: number;
}

/** TypeORM options for one service's schema: migrations only, never `synchronize`. */
export function serviceDataSourceOptions(options: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  };
}

/**
 * Applies the service's migrations under a PostgreSQL advisory lock, so that
 * replicas starting together (or a migration Job racing a pod) run them once.
 * Returns the names of the migrations applied now.
 */
export async function migrateServiceSchema(
  dataSource: DataSource,
  schema: string,
): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`mediaflow:migrate:${schema}`]);
    // TypeORM keeps its migrations table inside the schema, which must exist first.
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`mediaflow:migrate:${schema}`])
      .catch(() => undefined);
    await lock.release();
  }
}

/**
 * Creates the database if needed, connects, and migrates the service's
 * schema: what every service does at start (also as a TypeORM module's
 * `dataSourceFactory`).
 */
export async function openMigratedDataSource(
  options: DataSourceOptions,
  schema: string,
): Promise<DataSource> {
  if (options.type !== 'postgres' || !options.url)
    throw new Error('openMigratedDataSource needs postgres options with a url');
  await ensureDatabase(options.url);
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await migrateServiceSchema(dataSource, schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

export function openServiceDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  return openMigratedDataSource(serviceDataSourceOptions(options), options.schema);
}

/**
 * What a migrations Job does: creates the database if needed, applies the
 * service's pending migrations under the same advisory lock as a starting
 * service, and disconnects. Returns the names of the migrations applied,
 * oldest first (none when the schema was up to date).
 */
export async function migrateServiceDatabase(options: ServiceDatabaseOptions): Promise<string[]> {
  await ensureDatabase(options.url);
  // TypeORM prints a failing migration to the console whatever `logging` says; the error thrown here names it instead.
  const dataSource = new DataSource({ ...serviceDataSourceOptions(options), logger: QUIET });
  await dataSource.initialize();
  try {
    return await migrateServiceSchema(dataSource, options.schema);
  } catch (error) {
    // Each migration commits on its own: the first still pending is the one that failed.
    const [failed] = await pendingMigrations(dataSource).catch(() => []);
    if (!failed) throw error;
    throw new Error(`migration ${failed} failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  } finally {
    await dataSource.destroy();
  }
}

const QUIET: Logger = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

/**
 * The names of the data source's migrations not applied yet, oldest first.
 * Only reads: unlike TypeORM's `showMigrations()`, which creates the
 * migrations table (failing when the schema does not exist yet) and answers
 * only whether some are pending.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}
