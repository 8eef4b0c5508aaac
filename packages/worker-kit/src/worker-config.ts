import { availableParallelism, tmpdir } from 'node:os';
import {
  checkNatsEnv,
  checkStorageEnv,
  dataDirEnv,
  natsEnv,
  port,
  serviceEnv,
  storageEnv,
} from '@mediaflow/config';
import { TASK_KIND_NAMES, type TaskKind } from '@mediaflow/contracts';
import type { WorkConcurrency } from '@mediaflow/messaging';
import { z } from 'zod';

const milliseconds = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`)
    .default(fallback);

const concurrency = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be ≥ 1')
  .max(256, 'must be ≤ 256');

/** The variable that sets one kind's concurrency. */
export type KindConcurrencyVariable = `MEDIAFLOW_WORKER_CONCURRENCY_${Uppercase<TaskKind>}`;

export function kindConcurrencyVariable(kind: TaskKind): KindConcurrencyVariable {
  return `MEDIAFLOW_WORKER_CONCURRENCY_${kind.toUpperCase()}` as KindConcurrencyVariable;
}

const kindConcurrencyEnv = Object.fromEntries(
  TASK_KIND_NAMES.map((kind) => [kindConcurrencyVariable(kind), concurrency.optional()]),
) as Record<KindConcurrencyVariable, z.ZodOptional<typeof concurrency>>;

/**
 * How each kind uses the machine, which sets how many of its tasks a worker
 * runs at once by default. `light` kinds mostly wait (the network, a small
 * decode whose threads configureSharp shares out, a model call): many at
 * once. `cores` kinds keep a core busy each (ffmpeg, the recogniser): one
 * per core, so that a burst of them does not slow every one of them down.
 */
const KIND_LOAD: Record<TaskKind, 'light' | 'cores'> = {
  ingest: 'light',
  image: 'light',
  nsfw: 'light',
  summary: 'light',
  video: 'cores',
  audio: 'cores',
  thumbnails: 'cores',
  speech: 'cores',
  subtitles: 'cores',
};

/** The default concurrency of a `light` kind. */
export const LIGHT_KIND_CONCURRENCY = 16;

type ConcurrencyEnv = Pick<WorkerConfig, 'MEDIAFLOW_WORKER_CONCURRENCY' | KindConcurrencyVariable>;

/**
 * How many tasks of `kind` a worker runs at once: its own variable, else
 * MEDIAFLOW_WORKER_CONCURRENCY, else its default (16 for a light kind, the
 * cores for a CPU-bound one).
 */
export function kindConcurrency(
  config: ConcurrencyEnv,
  kind: TaskKind,
  cores = availableParallelism(),
): number {
  return (
    config[kindConcurrencyVariable(kind)] ??
    config.MEDIAFLOW_WORKER_CONCURRENCY ??
    (KIND_LOAD[kind] === 'light' ? LIGHT_KIND_CONCURRENCY : cores)
  );
}

/** Each of a worker's kinds with its concurrency, as consumeWork takes them. */
export function workerConcurrency(
  config: ConcurrencyEnv,
  kinds: readonly TaskKind[],
  cores = availableParallelism(),
): WorkConcurrency {
  return Object.fromEntries(kinds.map((kind) => [kind, kindConcurrency(config, kind, cores)]));
}

/** What every worker reads on top of the service and NATS settings. */
export const workerEnv = {
  ...dataDirEnv,
  ...storageEnv,
  /** How long a worker may be silent before JetStream gives its task to another; heartbeats go at a third of it. */
  MEDIAFLOW_TASK_ACK_WAIT_MS: milliseconds(1_000, 3_600_000, 30_000),
  /** Tasks of each kind one worker process runs at once, unless the kind's own variable is set; unset, each kind's default. */
  MEDIAFLOW_WORKER_CONCURRENCY: concurrency.optional(),
  /** `MEDIAFLOW_WORKER_CONCURRENCY_<KIND>`: one kind's tasks at once, over MEDIAFLOW_WORKER_CONCURRENCY. */
  ...kindConcurrencyEnv,
  /**
   * The longest any attempt runs: past it, it is aborted and fails with `timeout`. A
   * dispatch's budget from its input (`timeout_ms`) can stop it sooner, and then, or
   * when the budget is over this, the timeout is final; without one it is retried.
   */
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
    .superRefine(checkStorageEnv)
    .superRefine(checkNatsEnv);
}

export type WorkerConfig = z.output<ReturnType<typeof workerConfigSchema>>;
