import { tmpdir } from 'node:os';
import {
  checkStorageEnv,
  dataDirEnv,
  natsEnv,
  port,
  serviceEnv,
  storageEnv,
} from '@mediaflow/config';
import { z } from 'zod';

const milliseconds = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`)
    .default(fallback);

/** What every worker reads on top of the service and NATS settings. */
export const workerEnv = {
  ...dataDirEnv,
  ...storageEnv,
  /** How long a worker may be silent before JetStream gives its task to another; heartbeats go at a third of it. */
  MEDIAFLOW_TASK_ACK_WAIT_MS: milliseconds(1_000, 3_600_000, 30_000),
  /** Tasks one worker process runs at once, across its kinds. */
  MEDIAFLOW_WORKER_CONCURRENCY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(64, 'must be ≤ 64')
    .default(2),
  /** One attempt longer than this is aborted and fails with `timeout` (retried). */
  MEDIAFLOW_TASK_TIMEOUT_MS: milliseconds(1_000, 7 * 24 * 3_600_000, 3_600_000),
  /** Where each attempt gets its scratch directory. */
  TMPDIR: z.string().min(1).default(tmpdir()),
};

/**
 * A worker's environment, listening for probes on `defaultPort` unless PORT
 * says otherwise. Workers `.extend()` it with their own variables; the
 * storage check stays with it as long as they add keys rather than replace them.
 */
export function workerConfigSchema(defaultPort: number) {
  return z
    .object({ ...serviceEnv, ...natsEnv, ...workerEnv, PORT: port(defaultPort) })
    .superRefine(checkStorageEnv);
}

export type WorkerConfig = z.output<ReturnType<typeof workerConfigSchema>>;
