import 'reflect-metadata';
import { natsCredentials, storageSettings } from '@mediaflow/config';
import type { TaskKind } from '@mediaflow/contracts';
import {
  JetStreamTaskTransport,
  MESSAGE_BUS,
  type MessageBus,
  type Stoppable,
  type TaskTransport,
  type WorkConcurrency,
} from '@mediaflow/messaging';
import {
  ObservabilityModule,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@mediaflow/observability';
import { ServiceBusModule, startService, type RunningService } from '@mediaflow/service-kit';
import { createStorage, type Storage } from '@mediaflow/storage';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { recordTaskOutcome } from './task-metrics';
import { TaskRunner, type TaskHandlers } from './task-runner';
import { workerConcurrency, type WorkerConfig } from './worker-config';

export interface StartWorkerOptions {
  /** The worker's name: in logs, metrics and the NATS connection list. */
  service: string;
  /** The kinds this worker runs; it pulls from exactly these queues. */
  handlers: TaskHandlers;
  config: WorkerConfig;
  /** A transport to use instead of JetStream at NATS_URL (the all-in-one's). The caller keeps ownership. */
  transport?: TaskTransport;
  /** Where outputs go; by default the storage MEDIAFLOW_STORAGE names (the local directory `MEDIAFLOW_DATA_DIR/files` unless told otherwise). */
  storage?: Storage;
  /** A bus to use instead of connecting one (the all-in-one's). The caller keeps ownership. */
  bus?: MessageBus;
  /** Listen for SIGINT/SIGTERM and exit after a graceful shutdown. Default true. */
  shutdownHooks?: boolean;
}

export type RunningWorker = RunningService;

const WORK_LOOP = Symbol('WORK_LOOP');

interface WorkLoop {
  runner: TaskRunner;
  transport: TaskTransport;
  /** The worker's kinds, each with how many of its tasks run at once. */
  concurrency: WorkConcurrency;
  /** Closes the transport when the worker connected it itself. */
  release(): Promise<void>;
}

/**
 * Takes work once the app is up. On shutdown (SIGTERM in a rolling deploy)
 * it stops pulling and waits for the tasks under way to publish their
 * outcome and ack, before Nest closes HTTP and the bus: nothing is lost, and
 * nothing waits for ack_wait to be redelivered.
 */
@Injectable()
class TaskWorkLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Stoppable;

  constructor(@Inject(WORK_LOOP) private readonly loop: WorkLoop) {}

  async onApplicationBootstrap(): Promise<void> {
    const { runner, transport, concurrency } = this.loop;
    await runner.start();
    this.consumer = await transport.consumeWork(concurrency, runner.run);
    const taking = Object.entries(concurrency).map(([kind, count]) => `${kind} ${count}`);
    new Logger('TaskWorker').log(`taking tasks, at once at most: ${taking.join(', ')}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.loop.runner.stop();
    await this.loop.release();
  }
}

/** `/ready` of a worker: NATS answers a round trip. */
const natsReadiness: Provider = {
  provide: READINESS_CHECKS,
  inject: [MESSAGE_BUS],
  useFactory: (bus: MessageBus): ReadinessCheck[] => [{ name: 'nats', check: () => bus.ping() }],
};

@Module({})
class WorkerModule {
  static forRoot(options: {
    service: string;
    logLevel: string;
    bus: MessageBus;
    ownsBus: boolean;
    loop: WorkLoop;
  }): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ServiceBusModule.forRoot(options.bus, { closeOnShutdown: options.ownsBus }),
        ObservabilityModule.forRoot({
          service: options.service,
          logLevel: options.logLevel,
          readiness: natsReadiness,
        }),
      ],
      providers: [{ provide: WORK_LOOP, useValue: options.loop }, TaskWorkLoop],
    };
  }
}

/**
 * Starts a worker: HTTP for /health, /ready and /metrics, and the work loop
 * over its handlers' queues, each kind's own number of tasks at a time
 * (`kindConcurrency`).
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, service } = options;
  const kinds = Object.keys(options.handlers) as TaskKind[];
  if (kinds.length === 0) throw new Error(`${service} has no task handlers`);

  const ownsTransport = !options.transport;
  const transport =
    options.transport ??
    (await JetStreamTaskTransport.connect({
      ...natsCredentials(config),
      name: service,
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      streamReplicas: config.MEDIAFLOW_STREAM_REPLICAS,
      ackWaitMs: config.MEDIAFLOW_TASK_ACK_WAIT_MS,
      onInvalid: (subject, reason) =>
        new Logger('TaskTransport').warn(`dropped an invalid message on ${subject}: ${reason}`),
      onError: (context, error) =>
        new Logger('TaskTransport').error(
          `${context} failed`,
          (error as Error)?.stack ?? String(error),
        ),
    }));
  let released: Promise<void> | undefined;
  const release = () => (released ??= ownsTransport ? transport.close() : Promise.resolve());

  try {
    await transport.setup();
    const runner = new TaskRunner({
      transport,
      storage: options.storage ?? createStorage(storageSettings(config), config.MEDIAFLOW_DATA_DIR),
      handlers: options.handlers,
      ackWaitMs: config.MEDIAFLOW_TASK_ACK_WAIT_MS,
      timeoutMs: config.MEDIAFLOW_TASK_TIMEOUT_MS,
      scratchDir: config.TMPDIR,
      onOutcome: recordTaskOutcome,
    });
    const loop: WorkLoop = {
      runner,
      transport,
      concurrency: workerConcurrency(config, kinds),
      release,
    };
    return await startService({
      service,
      config,
      bus: options.bus,
      shutdownHooks: options.shutdownHooks,
      module: (bus, ownsBus) =>
        WorkerModule.forRoot({ service, logLevel: config.LOG_LEVEL, bus, ownsBus, loop }),
    });
  } catch (error) {
    await release();
    throw error;
  }
}
