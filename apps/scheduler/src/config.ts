import {
  allowedHostsEnv,
  checkNatsEnv,
  checkStorageEnv,
  databaseEnv,
  dataDirEnv,
  migrateOnStartEnv,
  natsEnv,
  port,
  serviceEnv,
  storageEnv,
} from '@mediaflow/config';
import type { WorkerName } from '@mediaflow/contracts';
import { z } from 'zod';

const milliseconds = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(min)
    .max(max);

const count = (min: number, max: number) =>
  z.coerce.number().int('must be a whole number').min(min).max(max);

/** The workers that run tasks (every kind's `worker` is one; a test holds that). */
export const TASK_WORKERS = [
  'video',
  'image',
  'subtitles',
  'summary',
] as const satisfies readonly WorkerName[];
export type TaskWorker = (typeof TASK_WORKERS)[number];

/** `MEDIAFLOW_TASK_TIMEOUT_MS_<WORKER>`: what the scheduler knows of a worker's MEDIAFLOW_TASK_TIMEOUT_MS. */
export type WorkerTimeoutVariable = `MEDIAFLOW_TASK_TIMEOUT_MS_${Uppercase<TaskWorker>}`;

export function workerTimeoutVariable(worker: TaskWorker): WorkerTimeoutVariable {
  return `MEDIAFLOW_TASK_TIMEOUT_MS_${worker.toUpperCase()}` as WorkerTimeoutVariable;
}

/** The workers' MEDIAFLOW_TASK_TIMEOUT_MS default (packages/worker-kit, worker-config.ts). */
const WORKER_TIMEOUT_DEFAULT_MS = 3_600_000;
/** Its range there too. */
const workerTimeout = () => milliseconds(1_000, 7 * 24 * 3_600_000).optional();

/**
 * Retention (docs/retention.md), also read by `node dist/retention-report.js`,
 * which needs nothing else.
 */
const retentionEnv = {
  /**
   * Days an ended run (or task, or stored file's ingest) is kept with its
   * files, events and deliveries; 0 keeps everything for ever. 30 by
   * default: long enough to look back on a month's work, short enough
   * that storage does not grow without end on a box nobody watches.
   */
  MEDIAFLOW_RETENTION_DAYS: count(0, 3_650).default(30),
  /** Report what retention would remove (one log line) and remove nothing. */
  MEDIAFLOW_RETENTION_DRY_RUN: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
};

const workerTimeoutEnv = Object.fromEntries(
  TASK_WORKERS.map((worker) => [workerTimeoutVariable(worker), workerTimeout()]),
) as Record<WorkerTimeoutVariable, ReturnType<typeof workerTimeout>>;

/**
 * The scheduler's environment. HTTP serves only /health, /ready and /metrics;
 * the work is on the bus (request/reply) and JetStream (tasks and events).
 */
export const schedulerConfigSchema = z
  .object({
    ...serviceEnv,
    ...natsEnv,
    ...databaseEnv,
    ...migrateOnStartEnv,
    PORT: port(3002),
    ...dataDirEnv,
    ...storageEnv,
    /** How long a worker may be silent before JetStream redelivers its message. */
    MEDIAFLOW_TASK_ACK_WAIT_MS: milliseconds(1000, 3_600_000).default(30_000),
    /** Attempts of a retryable failure (and of a stalled task). */
    MEDIAFLOW_TASK_MAX_ATTEMPTS: count(1, 20).default(3),
    /** How often the reconciler looks for due retries, stalled tasks and webhooks to send again. */
    MEDIAFLOW_RECONCILE_INTERVAL_MS: milliseconds(50, 3_600_000).default(10_000),
    /** Silence after which a dispatched task gets a new attempt; 5 × the ack wait when unset. */
    MEDIAFLOW_TASK_STALL_MS: milliseconds(1000, 86_400_000).optional(),
    MEDIAFLOW_WEBHOOK_TIMEOUT_MS: milliseconds(100, 120_000).default(10_000),
    /**
     * Worker events the scheduler applies at once (the durable consumer's
     * max_ack_pending), each task's in order; more than the pool's 10
     * connections only queues for one, which keeps the pipe full.
     */
    MEDIAFLOW_EVENT_CONCURRENCY: count(1, 256).default(32),
    /**
     * How long the project's event log keeps an event (`Last-Event-ID`
     * resumes within it); MEDIAFLOW_RETENTION_DAYS × 24 when unset. A
     * removed run's events go with it whatever this says.
     */
    MEDIAFLOW_EVENT_RETENTION_HOURS: count(1, 24 * 365).optional(),
    ...retentionEnv,
    /**
     * Fair dispatch: a kind's queue on the broker holds as many tasks as its
     * workers run, at least this many; the rest wait in PostgreSQL and are
     * released project by project, the least served first. Larger: more
     * work queued ahead of a newcomer's task; smaller: idle slots while
     * the queue refills.
     */
    MEDIAFLOW_DISPATCH_QUEUE_MIN: count(1, 100_000).default(4),
    /** Ingests one project may have queued or running at once: fewer than one ingest worker's slots, so others always get one. */
    MEDIAFLOW_INGESTS_PER_PROJECT: count(1, 100_000).default(8),
    /** Webhook POSTs in flight at once per scheduler process. */
    MEDIAFLOW_WEBHOOK_CONCURRENCY: count(1, 1_000).default(16),
    /**
     * The workers' own limit, read as the default of each worker's below: in
     * the all-in-one every app reads one environment, so they agree.
     */
    MEDIAFLOW_TASK_TIMEOUT_MS: workerTimeout(),
    /**
     * Each worker's MEDIAFLOW_TASK_TIMEOUT_MS, which must equal what that
     * worker runs with: a step whose input needs longer (its kind's time
     * budget) cannot finish there, and fails at once with `input_too_large`.
     */
    ...workerTimeoutEnv,
    ...allowedHostsEnv,
  })
  .superRefine(checkStorageEnv)
  .superRefine(checkNatsEnv)
  .transform(({ MEDIAFLOW_TASK_TIMEOUT_MS: workersDefault, ...config }) => ({
    ...config,
    // Past JetStream's own redelivery of a crashed worker's message, with room for its backoff.
    MEDIAFLOW_TASK_STALL_MS:
      config.MEDIAFLOW_TASK_STALL_MS ?? 5 * config.MEDIAFLOW_TASK_ACK_WAIT_MS,
    // 0 (retention off, nothing set for the log) keeps the log for ever too.
    MEDIAFLOW_EVENT_RETENTION_HOURS:
      config.MEDIAFLOW_EVENT_RETENTION_HOURS ?? config.MEDIAFLOW_RETENTION_DAYS * 24,
    // Resolved here; the scheduler runs no task of its own, so keeps no MEDIAFLOW_TASK_TIMEOUT_MS.
    ...(Object.fromEntries(
      TASK_WORKERS.map((worker) => {
        const variable = workerTimeoutVariable(worker);
        return [variable, config[variable] ?? workersDefault ?? WORKER_TIMEOUT_DEFAULT_MS];
      }),
    ) as Record<WorkerTimeoutVariable, number>),
  }));
export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;

/** What `node dist/retention-report.js` reads: the database and the retention settings, no NATS. */
export const retentionReportConfigSchema = z.object({
  DATABASE_URL: databaseEnv.DATABASE_URL,
  ...retentionEnv,
});
