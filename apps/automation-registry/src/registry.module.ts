import 'reflect-metadata';
import type { MessageBus } from '@mediaflow/messaging';
import { ObservabilityModule } from '@mediaflow/observability';
import {
  ServiceBusModule,
  busAndDatabaseReadiness,
  serviceDatabaseModule,
} from '@mediaflow/service-kit';
import { Module, type DynamicModule } from '@nestjs/common';
import { AutomationEntity } from './automations/automation.entity';
import { AutomationsModule } from './automations/automations.module';
import type { RegistryConfig } from './config';
import { registryMigrations } from './database/migrations';

export const REGISTRY_SERVICE = 'automation-registry';
/** The PostgreSQL schema the registry owns; no other service reads it. */
export const REGISTRY_SCHEMA = 'registry';

export interface RegistryModuleOptions {
  config: Pick<RegistryConfig, 'DATABASE_URL' | 'LOG_LEVEL'>;
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
          url: config.DATABASE_URL,
          schema: REGISTRY_SCHEMA,
          entities: [AutomationEntity],
          migrations: registryMigrations,
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
