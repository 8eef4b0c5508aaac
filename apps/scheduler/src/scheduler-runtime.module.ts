import type { TaskTransport } from '@mediaflow/messaging';
import { ServiceTransportModule } from '@mediaflow/service-kit';
import type { Storage } from '@mediaflow/storage';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { SchedulerConfig } from './config';
import { SchedulerStore } from './database/scheduler-store';
import { SCHEDULER_CONFIG, STORAGE } from './scheduler-tokens';

export interface SchedulerRuntimeOptions {
  config: SchedulerConfig;
  transport: TaskTransport;
  storage: Storage;
  /** Close the transport when the app shuts down: true when the scheduler connected it itself. */
  closeTransportOnShutdown: boolean;
}

/** What every feature of the scheduler uses: its configuration, the task transport, storage and the database. */
@Global()
@Module({})
export class SchedulerRuntimeModule {
  static forRoot(options: SchedulerRuntimeOptions): DynamicModule {
    return {
      module: SchedulerRuntimeModule,
      imports: [
        ServiceTransportModule.forRoot(options.transport, {
          closeOnShutdown: options.closeTransportOnShutdown,
        }),
      ],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: options.config },
        { provide: STORAGE, useValue: options.storage },
        SchedulerStore,
      ],
      exports: [SCHEDULER_CONFIG, STORAGE, SchedulerStore],
    };
  }
}
