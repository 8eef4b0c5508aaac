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
import { z } from 'zod';

const milliseconds = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(min)
    .max(max);

const count = (min: number, max: number) =>
  z.coerce.number().int('must be a whole number').min(min).max(max);

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
    /** How long the project's event log keeps an event (`Last-Event-ID` resumes within it). */
    MEDIAFLOW_EVENT_RETENTION_HOURS: count(1, 24 * 365).default(168),
    /** Webhook POSTs in flight at once per scheduler process. */
    MEDIAFLOW_WEBHOOK_CONCURRENCY: count(1, 1_000).default(16),
    ...allowedHostsEnv,
  })
  .superRefine(checkStorageEnv)
  .superRefine(checkNatsEnv)
  .transform((config) => ({
    ...config,
    // Past JetStream's own redelivery of a crashed worker's message, with room for its backoff.
    MEDIAFLOW_TASK_STALL_MS:
      config.MEDIAFLOW_TASK_STALL_MS ?? 5 * config.MEDIAFLOW_TASK_ACK_WAIT_MS,
  }));
export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;
