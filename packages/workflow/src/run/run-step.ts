import type {
  Condition,
  FileProperties,
  SkipReason,
  StepsSummary,
  TaskError,
  TaskStatus,
  WorkflowTaskKind,
} from '@mediaflow/contracts';

/** A file as the engine sees it: its id, and the properties conditions test. */
export interface StepFile {
  id: string;
  properties: FileProperties;
  /** Its file name, to name it in a skip reason. */
  filename?: string;
}

/** One step of a run, flattened out of the workflow tree (docs/runs.md, Engine). */
export interface RunStep {
  /** The step's task id. */
  id: string;
  /** The step it runs after; null for top-level steps. */
  parentId: string | null;
  branch: 'next' | 'else' | null;
  /** Order among its siblings. */
  position: number;
  kind: WorkflowTaskKind | 'conditions';
  ref: string | null;
  options: Record<string, unknown>;
  conditions: Condition[] | null;
  status: TaskStatus;
  /** Its own progress, 0..100: what its worker last reported, 100 once it has completed. */
  progress: number;
  input: StepFile | null;
  /** Its output file; null for data kinds. */
  output: StepFile | null;
  /** Why it failed; null unless `failed`. */
  error: TaskError | null;
  /** Why it was skipped; null unless `skipped`. */
  skipReason: SkipReason | null;
  /** When it ended (unix ms); null while it runs, and for a step ended by the change being made. */
  finishedAt: number | null;
}

/** All steps after a change, and the ids of the task steps to dispatch now. */
export interface Advance {
  steps: RunStep[];
  ready: string[];
}

export type RunStatus = 'processing' | 'completed' | 'failed' | 'cancelled';

export interface RunSummary {
  status: RunStatus;
  /**
   * 0..100: each step weighs its own progress (a final step 100, a waiting
   * one 0), averaged over the steps, and never below the progress before.
   */
  progress: number;
  /** How many steps are in each status. */
  steps: StepsSummary;
  /** On a failed run: the first failure (by time, then tree order), naming its step. */
  error: TaskError | null;
}
