import 'reflect-metadata';
import type { MessageBus, TaskTransport } from '@mediaflow/messaging';
import { ObservabilityModule } from '@mediaflow/observability';
import {
  ServiceBusModule,
  busAndDatabaseReadiness,
  serviceDatabaseModule,
} from '@mediaflow/service-kit';
import type { Storage } from '@mediaflow/storage';
import { Module, type DynamicModule } from '@nestjs/common';
import type { SchedulerConfig } from './config';
import { schedulerDatabase } from './database/scheduler-database';
import { EventsModule } from './events/events.module';
import { FilesModule } from './files/files.module';
import { ReconcilerModule } from './reconciler/reconciler.module';
import { SchedulerRuntimeModule } from './scheduler-runtime.module';
import { TasksModule } from './tasks/tasks.module';
import { WebhookEndpointsModule } from './webhook-endpoints/webhook-endpoints.module';

export const SCHEDULER_SERVICE = 'scheduler';
export { SCHEDULER_SCHEMA } from './database/scheduler-database';

export interface SchedulerModuleOptions {
  config: SchedulerConfig;
  bus: MessageBus;
  transport: TaskTransport;
  storage: Storage;
  /** Drain the bus when the app shuts down: true when the scheduler connected it itself. */
  closeBusOnShutdown?: boolean;
  /** Close the transport when the app shuts down: true when the scheduler connected it itself. */
  closeTransportOnShutdown?: boolean;
}

/**
 * The scheduler's root module: the database (tables hand-migrated, queried
 * as SQL: no entities), runs and tasks on the bus, files, the event consumer
 * and the reconciler, health and metrics.
 */
@Module({})
export class SchedulerModule {
  static forRoot(options: SchedulerModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: SchedulerModule,
      imports: [
        ServiceBusModule.forRoot(options.bus, {
          closeOnShutdown: options.closeBusOnShutdown ?? false,
        }),
        serviceDatabaseModule({
          ...schedulerDatabase,
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          migrateOnStart: config.MEDIAFLOW_MIGRATE_ON_START,
        }),
        ObservabilityModule.forRoot({
          service: SCHEDULER_SERVICE,
          logLevel: config.LOG_LEVEL,
          readiness: busAndDatabaseReadiness,
        }),
        SchedulerRuntimeModule.forRoot({
          config,
          transport: options.transport,
          storage: options.storage,
          closeTransportOnShutdown: options.closeTransportOnShutdown ?? false,
        }),
        TasksModule,
        FilesModule,
        EventsModule,
        WebhookEndpointsModule,
        ReconcilerModule,
      ],
    };
  }
}
