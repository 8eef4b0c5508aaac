import { TASK_TRANSPORT, type TaskTransport } from '@mediaflow/messaging';
import type { Storage } from '@mediaflow/storage';
import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
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

/** Closes a transport the scheduler owns, after the consumers that used it have stopped. */
class TransportShutdown implements OnApplicationShutdown {
  constructor(@Inject(TASK_TRANSPORT) private readonly transport: TaskTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/** What every feature of the scheduler uses: its configuration, the task transport, storage and the database. */
@Global()
@Module({})
export class SchedulerRuntimeModule {
  static forRoot(options: SchedulerRuntimeOptions): DynamicModule {
    return {
      module: SchedulerRuntimeModule,
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: options.config },
        { provide: TASK_TRANSPORT, useValue: options.transport },
        { provide: STORAGE, useValue: options.storage },
        SchedulerStore,
        ...(options.closeTransportOnShutdown ? [TransportShutdown] : []),
      ],
      exports: [SCHEDULER_CONFIG, TASK_TRANSPORT, STORAGE, SchedulerStore],
    };
  }
}
