import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { ensureDatabase, quoteIdentifier } from './ensure-database';

export interface ServiceDatabaseOptions {
  url: string;
  /** The PostgreSQL schema this service owns; no other service reads it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
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
