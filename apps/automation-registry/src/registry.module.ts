import 'reflect-metadata';
import type { MessageBus } from '@mediaflow/messaging';
import { ObservabilityModule } from '@mediaflow/observability';
import {
  ServiceBusModule,
  busAndDatabaseReadiness,
  serviceDatabaseModule,
} from '@mediaflow/service-kit';
import { Module, type DynamicModule } from '@nestjs/common';
import { AutomationsModule } from './automations/automations.module';
import type { RegistryConfig } from './config';
import { registryDatabase } from './database/registry-database';

export const REGISTRY_SERVICE = 'automation-registry';
export { REGISTRY_SCHEMA } from './database/registry-database';

export interface RegistryModuleOptions {
  config: Pick<
    RegistryConfig,
    'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'LOG_LEVEL' | 'MEDIAFLOW_MIGRATE_ON_START'
  >;
  bus: MessageBus;
  /** Drain the bus when the app shuts down: true when the registry connected it itself. */
  closeBusOnShutdown?: boolean;
}

/** The registry's root module: the database, the automations feature, health and metrics. */
@Module({})
export class RegistryModule {
  static forRoot({
    config,
    bus,
    closeBusOnShutdown = false,
  }: RegistryModuleOptions): DynamicModule {
    return {
      module: RegistryModule,
      imports: [
        ServiceBusModule.forRoot(bus, { closeOnShutdown: closeBusOnShutdown }),
        serviceDatabaseModule({
          ...registryDatabase,
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          migrateOnStart: config.MEDIAFLOW_MIGRATE_ON_START,
        }),
        ObservabilityModule.forRoot({
          service: REGISTRY_SERVICE,
          logLevel: config.LOG_LEVEL,
          readiness: busAndDatabaseReadiness,
        }),
        AutomationsModule,
      ],
    };
  }
}
