import {
  openMigratedDataSource,
  serviceDataSourceOptions,
  type ServiceDatabaseOptions,
} from '@mediaflow/database';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

/**
 * TypeORM for one service's schema: the database created when missing, the
 * schema's migrations applied at start under the advisory lock, never
 * `synchronize`.
 */
export function serviceDatabaseModule(options: ServiceDatabaseOptions): DynamicModule {
  return TypeOrmModule.forRootAsync({
    useFactory: () => ({
      ...serviceDataSourceOptions(options),
      // Fail at once with the real reason (no retry loop logging stacks); an orchestrator restarts the process.
      toRetry: () => false,
    }),
    dataSourceFactory: (dataSourceOptions) =>
      openMigratedDataSource(dataSourceOptions!, options.schema),
  });
}
