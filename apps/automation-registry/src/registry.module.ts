import 'reflect-metadata';
import { openMigratedDataSource, serviceDataSourceOptions } from '@mediaflow/database';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import {
  ObservabilityModule,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@mediaflow/observability';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AutomationEntity } from './automations/automation.entity';
import { AutomationsModule } from './automations/automations.module';
import type { RegistryConfig } from './config';
import { registryMigrations } from './database/migrations';

export const REGISTRY_SERVICE = 'automation-registry';
export const REGISTRY_SCHEMA = 'registry';

export interface RegistryModuleOptions {
  config: Pick<RegistryConfig, 'DATABASE_URL' | 'LOG_LEVEL'>;
  bus: MessageBus;
  /** Drain the bus when the app shuts down: true when the registry connected it itself. */
  closeBusOnShutdown?: boolean;
}

/** Closes a bus the registry owns, after Nest has stopped the microservice that served on it. */
class BusShutdown implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
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
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...serviceDataSourceOptions({
              url: config.DATABASE_URL,
              schema: REGISTRY_SCHEMA,
              entities: [AutomationEntity],
              migrations: registryMigrations,
            }),
            // Fail fast with the real reason; an orchestrator restarts the process.
            toRetry: () => false,
          }),
          dataSourceFactory: (options) => openMigratedDataSource(options!, REGISTRY_SCHEMA),
        }),
        ObservabilityModule.forRoot({
          service: REGISTRY_SERVICE,
          logLevel: config.LOG_LEVEL,
          readiness: {
            provide: READINESS_CHECKS,
            inject: [DataSource],
            useFactory: (dataSource: DataSource): ReadinessCheck[] => [
              { name: 'nats', check: () => bus.ping() },
              { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
            ],
          },
        }),
        AutomationsModule,
      ],
      providers: [
        { provide: MESSAGE_BUS, useValue: bus },
        ...(closeBusOnShutdown ? [BusShutdown] : []),
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
