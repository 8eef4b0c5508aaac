import type { z } from 'zod';
import type { InputKind, OutputKind, WorkerName } from './common';

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
  /** Made by the scheduler, never written in a workflow. */
  internal?: boolean;
}

/** Keeps the literal types of a declaration (its kind, `internal: true`) for the registry's types. */
export function defineKind<const D extends TaskKindDeclaration>(declaration: D): D {
  return declaration;
}
