import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@mediaflow/config';
import {
  MediaflowError,
  isTaskEvent,
  type ProjectEventRecord,
  type RpcDefinition,
  type RpcRequest,
  type RpcResponse,
  type TaskRecord,
  schedulerRpc,
} from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { JetStreamTaskTransport, NatsMessageBus, taskTransportNames } from '@mediaflow/messaging';
import { LocalStorage } from '@mediaflow/storage';
import { deleteTaskStreams } from '@mediaflow/testing';
import { connect } from 'nats';
import { DataSource } from 'typeorm';
import {
  EVENTS_DURABLE,
  schedulerConfigSchema,
  startScheduler,
  type RunningScheduler,
  type SchedulerConfig,
} from '../../src';
import { FakeWorker, type FakeWorkerOptions } from './fake-worker';
import { FlakyTransport } from './flaky-transport';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const FINAL = ['completed', 'failed', 'skipped', 'cancelled'];

/**
 * A scheduler on the real PostgreSQL (a database of its own) and the real
 * NATS JetStream (a subject prefix of its own), a client on the bus, and a
 * fake worker on the real transport.
 */
export class Harness {
  scheduler!: RunningScheduler;
  client!: NatsMessageBus;
  worker!: FakeWorker;
  transport!: FlakyTransport;
  readonly storage: LocalStorage;
  readonly config: SchedulerConfig;
  private workerTransport!: JetStreamTaskTransport;

  private constructor(
    readonly db: TestDatabase,
    readonly prefix: string,
    readonly dataDir: string,
    env: Record<string, string>,
  ) {
    this.config = {
      ...parseConfig(schedulerConfigSchema, {
        DATABASE_URL: db.url,
        NATS_URL,
        NATS_SUBJECT_PREFIX: prefix,
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.SCHEDULER_TEST_LOG_LEVEL ?? 'silent',
        MEDIAFLOW_DATA_DIR: dataDir,
        MEDIAFLOW_TASK_ACK_WAIT_MS: '2000',
        MEDIAFLOW_TASK_STALL_MS: '1500',
        MEDIAFLOW_RECONCILE_INTERVAL_MS: '200',
        MEDIAFLOW_WEBHOOK_TIMEOUT_MS: '2000',
        // The tests' webhook receivers are on 127.0.0.1; other loopback addresses stay refused.
        MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
        ...env,
      }),
      PORT: 0,
    };
    this.storage = new LocalStorage(path.join(dataDir, 'files'));
  }

  /** `env` overrides the scheduler's test settings; `worker` how the fake worker works. */
  static async start(
    env: Record<string, string> = {},
    worker: FakeWorkerOptions = {},
  ): Promise<Harness> {
    const harness = new Harness(
      await createTestDatabase(),
      `t${randomBytes(6).toString('hex')}`,
      mkdtempSync(path.join(tmpdir(), 'mediaflow-scheduler-')),
      env,
    );
    // The scheduler gets a transport the test can make fail; the worker has its own connection.
    harness.transport = new FlakyTransport(await harness.connectTransport('scheduler-test'));
    harness.scheduler = await startScheduler(harness.config, {
      shutdownHooks: false,
      transport: harness.transport,
    });
    harness.client = await NatsMessageBus.connect({
      url: NATS_URL,
      name: 'scheduler-test-client',
      subjectPrefix: harness.prefix,
    });
    harness.workerTransport = await harness.connectTransport('fake-worker');
    harness.worker = new FakeWorker(harness.workerTransport, harness.storage, worker);
    await harness.worker.start();
    return harness;
  }

  /** Closes the scheduler and starts another on the same database and prefix, connecting its own transport. */
  async restart(between?: () => Promise<void>): Promise<void> {
    await this.scheduler.close();
    await between?.();
    this.scheduler = await startScheduler(this.config, { shutdownHooks: false });
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    await this.scheduler?.close();
    await this.client?.close();
    await this.workerTransport?.close();
    await this.transport?.close();
    await this.db.drop();
    await deleteTaskStreams(NATS_URL, this.prefix);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  request<D extends RpcDefinition>(definition: D, data: RpcRequest<D>): Promise<RpcResponse<D>> {
    return this.client.request(definition, data);
  }

  /** The project's kept task events, from the start of the log, `pageSize` at a time. */
  async keptTaskEvents(projectId: string, pageSize = 100): Promise<ProjectEventRecord[]> {
    const events: ProjectEventRecord[] = [];
    let cursor = '0:0';
    for (;;) {
      const page = await this.request(schedulerRpc.listEvents, {
        project_id: projectId,
        after_cursor: cursor,
        limit: pageSize,
      });
      events.push(...page.data.filter(isTaskEvent));
      cursor = page.cursor;
      if (!page.has_more && !page.pending) return events;
    }
  }

  /** Polls a task until `until` holds (by default: until it is final). */
  async waitForTask(
    projectId: string,
    id: string,
    until = (task: TaskRecord) => FINAL.includes(task.status),
    timeoutMs = 20_000,
  ): Promise<TaskRecord> {
    const deadline = Date.now() + timeoutMs;
    let last: TaskRecord | undefined;
    while (Date.now() < deadline) {
      last = await this.request(schedulerRpc.getTask, { project_id: projectId, id });
      if (until(last)) return last;
      await sleep(100);
    }
    throw new Error(`task ${id} not there in ${timeoutMs} ms: ${JSON.stringify(last, null, 1)}`);
  }

  /** Resolves once the scheduler has handled (and acked) every event published so far. */
  async eventsHandled(timeoutMs = 10_000): Promise<void> {
    const names = taskTransportNames(this.prefix);
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      await until(
        async () => {
          const info = await jsm.consumers.info(
            names.eventStream,
            names.eventConsumer(EVENTS_DURABLE),
          );
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        'the scheduler to handle every event',
        timeoutMs,
      );
    } finally {
      await nc.close();
    }
  }

  /** The scheduler's database, read directly. */
  sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.scheduler.app.get(DataSource).query(query, params);
  }

  private connectTransport(name: string): Promise<JetStreamTaskTransport> {
    return JetStreamTaskTransport.connect({
      url: NATS_URL,
      name,
      subjectPrefix: this.prefix,
      ackWaitMs: 2000,
      maxDeliver: 3,
    });
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function failure(promise: Promise<unknown>): Promise<MediaflowError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaflowError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

export { stepsOf } from '@mediaflow/testing';
