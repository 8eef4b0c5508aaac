import {
  taskKind,
  taskTimeBudget,
  type BudgetInput,
  type TaskError,
  type TaskKind,
} from '@mediaflow/contracts';
import { failStep, type Advance } from '@mediaflow/workflow';
import {
  TASK_WORKERS,
  workerTimeoutVariable,
  type SchedulerConfig,
  type TaskWorker,
} from '../config';
import type { FileIndex } from '../files/file-index';

/** Each worker's MEDIAFLOW_TASK_TIMEOUT_MS, as the scheduler is told it (ms). */
export type WorkerTimeLimits = Readonly<Record<TaskWorker, number>>;

export function workerTimeLimits(config: SchedulerConfig): WorkerTimeLimits {
  return Object.fromEntries(
    TASK_WORKERS.map((worker) => [worker, config[workerTimeoutVariable(worker)]]),
  ) as Record<TaskWorker, number>;
}

/**
 * Why a step of `kind` cannot run on `input`: its time budget (the kind's
 * declaration, for the input's duration and the step's options) is over
 * the limit of the worker that would run it, so it would only time out
 * there. Null when it fits, or has no budget (its input's length unknown):
 * then the worker's limit alone applies, as it always did.
 */
export function overTimeLimit(
  kind: TaskKind,
  options: Record<string, unknown>,
  input: BudgetInput,
  limits: WorkerTimeLimits,
): TaskError | null {
  const budget = taskTimeBudget(kind, options, input);
  const worker = taskKind(kind).worker as TaskWorker;
  const limitSeconds = limits[worker] / 1000;
  // A limit below the kind's floor is the installation's choice, not this input's fault: the worker's limit rules.
  if (!budget || budget.seconds <= limitSeconds || budget.floorSeconds > limitSeconds) return null;
  return {
    code: 'input_too_large',
    message:
      `A ${Math.round(input.duration ?? 0)} s input needs about ${budget.seconds} s of ${kind} work, ` +
      `over this installation's ${limitSeconds} s task limit (MEDIAFLOW_TASK_TIMEOUT_MS of the ${worker} worker)`,
  };
}

/**
 * The engine's advance with every ready step that cannot finish in time
 * failed instead, with why (its subtree skipped, as for any failed step):
 * such a step is never dispatched to hold a worker's slot until it times out.
 */
export function refuseOverlong(
  advance: Advance,
  files: FileIndex,
  limits: WorkerTimeLimits,
): Advance {
  const refused = new Set<string>();
  let steps = advance.steps;
  for (const id of advance.ready) {
    const step = steps.find((s) => s.id === id);
    const input = step?.input ? files.get(step.input.id) : undefined;
    if (!step || !input || step.kind === 'conditions') continue;
    const error = overTimeLimit(step.kind, step.options, input, limits);
    if (!error) continue;
    steps = failStep(steps, id, error).steps;
    refused.add(id);
  }
  if (refused.size === 0) return advance;
  return { steps, ready: advance.ready.filter((id) => !refused.has(id)) };
}
