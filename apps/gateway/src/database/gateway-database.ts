import {
  ensureDatabase,
  migrateServiceSchema,
  serviceDataSourceOptions,
} from '@mediaflow/database';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { ProjectEntity } from '../auth/project.entity';
import { gatewayMigrations } from './migrations';

/** The PostgreSQL schema the gateway owns; no other service reads it. */
export const GATEWAY_SCHEMA = 'gateway';

/** Creates the database if needed, connects, and migrates under the advisory lock. */
async function openGatewayDataSource(options: DataSourceOptions, url: string): Promise<DataSource> {
  await ensureDatabase(url);
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await migrateServiceSchema(dataSource, GATEWAY_SCHEMA);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** TypeORM for the `gateway` schema: migrations at start, never `synchronize`. */
export function gatewayDatabase(url: string): DynamicModule {
  return TypeOrmModule.forRootAsync({
    useFactory: () => ({
      ...serviceDataSourceOptions({
        url,
        schema: GATEWAY_SCHEMA,
        entities: [ProjectEntity, ApiKeyEntity],
        migrations: gatewayMigrations,
      }),
      // Fail at once with the real reason (no retry loop logging stacks);
      // an orchestrator restarts the process.
      toRetry: () => false,
    }),
    dataSourceFactory: (options) => openGatewayDataSource(options!, url),
  });
}
