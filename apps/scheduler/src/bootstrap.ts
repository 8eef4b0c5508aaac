import { storageSettings } from '@mediaflow/config';
import { JetStreamTaskTransport, type TaskTransport } from '@mediaflow/messaging';
import {
  startService,
  type RunningService,
  type StartServiceOptions,
} from '@mediaflow/service-kit';
import { createStorage, type Storage } from '@mediaflow/storage';
import { Logger } from '@nestjs/common';
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
  const logger = new Logger('TaskTransport');
  return JetStreamTaskTransport.connect({
    url: config.NATS_URL,
    name: SCHEDULER_SERVICE,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    ackWaitMs: config.MEDIAFLOW_TASK_ACK_WAIT_MS,
    onInvalid: (subject, reason) =>
      logger.warn(`dropped an invalid message on ${subject}: ${reason}`),
    onError: (context, error) =>
      logger.error(`${context}: ${(error as Error)?.message ?? String(error)}`),
  });
}

/**
 * Starts the scheduler: the task streams made sure of, request/reply
 * handlers on the bus (queue group `scheduler`), the durable event consumer,
 * the reconciler, and HTTP for /health, /ready and /metrics.
 */
export async function startScheduler(
  config: SchedulerConfig,
  options: StartSchedulerOptions = {},
): Promise<RunningScheduler> {
  const ownsTransport = !options.transport;
  const transport = options.transport ?? (await connectSchedulerTransport(config));
  try {
    await transport.setup();
    const storage =
      options.storage ?? createStorage(storageSettings(config), config.MEDIAFLOW_DATA_DIR);
    return await startService({
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
  } catch (error) {
    // Closing twice is harmless: the app may have closed it on its way down.
    if (ownsTransport) await transport.close().catch(() => undefined);
    throw error;
  }
}
