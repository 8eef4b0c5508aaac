import { storageSettings } from '@mediaflow/config';
import type { JetStreamTaskTransport, TaskTransport } from '@mediaflow/messaging';
import {
  connectServiceTransport,
  startService,
  withServiceTransport,
  type RunningService,
  type StartServiceOptions,
} from '@mediaflow/service-kit';
import { createStorage, type Storage } from '@mediaflow/storage';
import type { SchedulerConfig } from './config';
import { SCHEDULER_SERVICE, SchedulerModule } from './scheduler.module';

export interface StartSchedulerOptions extends Pick<StartServiceOptions, 'bus' | 'shutdownHooks'> {
  /** A transport to use instead of connecting JetStream at NATS_URL; the caller keeps (and closes) it. */
  transport?: TaskTransport;
  /** A storage driver instead of the local one under MEDIAFLOW_DATA_DIR/files. */
  storage?: Storage;
}
export type RunningScheduler = RunningService;

/** The JetStream transport of the scheduler, reporting what nobody else sees to the log. */
export function connectSchedulerTransport(
  config: SchedulerConfig,
): Promise<JetStreamTaskTransport> {
  return connectServiceTransport(config, SCHEDULER_SERVICE, {
    ackWaitMs: config.MEDIAFLOW_TASK_ACK_WAIT_MS,
  });
}

/**
 * Starts the scheduler: the task streams made sure of, request/reply
 * handlers on the bus (queue group `scheduler`), the durable event consumer,
 * the reconciler, and HTTP for /health, /ready and /metrics.
 */
export function startScheduler(
  config: SchedulerConfig,
  options: StartSchedulerOptions = {},
): Promise<RunningScheduler> {
  return withServiceTransport(
    options.transport,
    () => connectSchedulerTransport(config),
    async (transport, ownsTransport) => {
      await transport.setup();
      const storage =
        options.storage ?? createStorage(storageSettings(config), config.MEDIAFLOW_DATA_DIR);
      return startService({
        bus: options.bus,
        shutdownHooks: options.shutdownHooks,
        service: SCHEDULER_SERVICE,
        config,
        module: (bus, ownsBus) =>
          SchedulerModule.forRoot({
            config,
            bus,
            transport,
            storage,
            closeBusOnShutdown: ownsBus,
            closeTransportOnShutdown: ownsTransport,
          }),
        rpcQueue: SCHEDULER_SERVICE,
      });
    },
  );
}
