import { TASK_KIND_NAMES, TASK_KINDS, type TaskKind } from '@mediaflow/contracts';
import type { KindTaskHandler } from './define-task-handler';

/** The workers some kind's declaration names (`worker:` in contracts). */
export type TaskWorkerName = (typeof TASK_KINDS)[TaskKind]['worker'];

/** The kinds whose declaration names this worker. */
export type KindOfWorker<W extends TaskWorkerName> = {
  [K in TaskKind]: (typeof TASK_KINDS)[K]['worker'] extends W ? K : never;
}[TaskKind];

/** A worker's handler map: one handler, of its own kind, for exactly the kinds declared for the worker. */
export type WorkerHandlers<W extends TaskWorkerName> = {
  [K in KindOfWorker<W>]: KindTaskHandler<K>;
};

/** The kinds whose declaration names this worker, in the registry's order. */
export function kindsOfWorker(worker: TaskWorkerName): TaskKind[] {
  return TASK_KIND_NAMES.filter((kind) => TASK_KINDS[kind].worker === worker);
}

/**
 * A worker's handler map, routed by the kinds' declarations: the types hold
 * it to exactly the kinds declared for `worker`, and so does this at start,
 * for a map put together without them.
 */
export function workerHandlers<W extends TaskWorkerName>(
  worker: W,
  handlers: WorkerHandlers<W>,
): WorkerHandlers<W> {
  const declared = kindsOfWorker(worker);
  const given = Object.entries(handlers as Record<string, KindTaskHandler<TaskKind>>);
  const wrong = [
    ...declared.filter((kind) => !(kind in handlers)).map((kind) => `no handler for ${kind}`),
    ...given
      .filter(([kind]) => !declared.includes(kind as TaskKind))
      .map(([kind]) => `${kind} is not declared for it`),
    ...given
      .filter(([kind, handler]) => declared.includes(kind as TaskKind) && handler.kind !== kind)
      .map(([kind, handler]) => `the ${kind} handler is the ${handler.kind} kind's`),
  ];
  if (wrong.length > 0)
    throw new Error(`The ${worker} worker's handlers do not match contracts: ${wrong.join('; ')}`);
  return handlers;
}
