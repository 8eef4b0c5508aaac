import type { z } from 'zod';
import type { InputKind, OutputKind, WorkerName } from './common';
import type { TimeBudget } from './time-budget';

/**
 * The one declaration of a task kind: everything else (validation, OpenAPI,
 * routing to workers, docs) reads it. Adding a kind is one of these plus a
 * handler in its worker.
 */
export interface TaskKindDeclaration<K extends string = string, O extends z.ZodType = z.ZodType> {
  kind: K;
  summary: string;
  /** Media kinds the step accepts as its input file. */
  accepts: readonly InputKind[];
  /**
   * What the step makes. `data` results pass the step's own input on to its
   * `next` steps; `passthrough` passes the input on unchanged; `source` is the
   * probed source file, whatever its kind.
   */
  output: OutputKind;
  worker: WorkerName;
  options: O;
  /**
   * How long one attempt may take, from its input (time-budget.ts); null
   * when the input is not known before the attempt runs (ingest's download):
   * the worker's MEDIAFLOW_TASK_TIMEOUT_MS alone applies.
   */
  timeBudget: TimeBudget<z.output<O>> | null;
  /** Made by the scheduler, never written in a workflow. */
  internal?: boolean;
}

/** Keeps the literal types of a declaration (its kind, `internal: true`) for the registry's types. */
export function defineKind<const D extends TaskKindDeclaration>(declaration: D): D {
  return declaration;
}
