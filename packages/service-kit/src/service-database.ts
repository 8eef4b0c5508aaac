import {
  databaseName,
  openMigratedDataSource,
  pendingMigrations,
  serviceDataSourceOptions,
  type ServiceDatabaseOptions,
} from '@mediaflow/database';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATE_COMMAND } from './migrations-command';

export interface ServiceDatabaseModuleOptions extends ServiceDatabaseOptions {
  /**
   * Apply the schema's pending migrations at start (MEDIAFLOW_MIGRATE_ON_START,
   * true by default). When false, a migrations Job has applied them: the
   * service only checks that none is pending, and refuses to start if one is.
   */
  migrateOnStart?: boolean;
}

/**
 * TypeORM for one service's schema: the database created when missing, the
 * schema's migrations applied at start under the advisory lock (or, with
 * `migrateOnStart: false`, checked to be applied already), never
 * `synchronize`.
 */
export function serviceDatabaseModule(options: ServiceDatabaseModuleOptions): DynamicModule {
  const open = options.migrateOnStart === false ? openCheckedDataSource : openMigratedDataSource;
  return TypeOrmModule.forRootAsync({
    useFactory: () => ({
      ...serviceDataSourceOptions(options),
      // Fail at once with the real reason (no retry loop logging stacks); an orchestrator restarts the process.
      toRetry: () => false,
    }),
    dataSourceFactory: (dataSourceOptions) => open(dataSourceOptions!, options.schema),
  });
}

/** A service's schema is behind its code, and the service was told not to migrate it at start. */
export class PendingMigrationsError extends Error {
  constructor(
    readonly schema: string,
    /** The migrations not applied yet, oldest first; every one when the database does not exist. */
    readonly pending: readonly string[] | 'all',
    database?: string,
  ) {
    const what =
      pending === 'all'
        ? `database "${database}" does not exist, so no migration of the "${schema}" schema is applied`
        : `the "${schema}" schema has ${pending.length} pending migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}`;
    super(
      `${what}. MEDIAFLOW_MIGRATE_ON_START is false, so the service does not apply migrations: ` +
        `run \`${MIGRATE_COMMAND}\` of this service first (the migrations Job)`,
    );
    this.name = 'PendingMigrationsError';
  }
}

/**
 * Connects without creating or changing anything, and refuses a schema with
 * pending migrations ({@link PendingMigrationsError}): a service's start when
 * a migrations Job applies them.
 */
export async function openCheckedDataSource(
  options: DataSourceOptions,
  schema: string,
): Promise<DataSource> {
  const dataSource = new DataSource(options);
  try {
    await dataSource.initialize();
  } catch (error) {
    // invalid_catalog_name: the Job, which creates the database, has not run.
    if ((error as { code?: string }).code === '3D000' && options.type === 'postgres')
      throw new PendingMigrationsError(schema, 'all', databaseName(options.url!));
    throw error;
  }
  try {
    const pending = await pendingMigrations(dataSource);
    if (pending.length > 0) throw new PendingMigrationsError(schema, pending);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
