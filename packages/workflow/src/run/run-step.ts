import type { Condition, FileProperties, TaskStatus, WorkflowTaskKind } from '@mediaflow/contracts';

/** A file as the engine sees it: its id, and the properties conditions test. */
export interface StepFile {
  id: string;
  properties: FileProperties;
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
  input: StepFile | null;
  /** Its output file; null for data kinds. */
  output: StepFile | null;
}

/** All steps after a change, and the ids of the task steps to dispatch now. */
export interface Advance {
  steps: RunStep[];
  ready: string[];
}

export type RunStatus = 'processing' | 'completed' | 'failed' | 'cancelled';

export interface RunSummary {
  status: RunStatus;
  /** Percent of the steps that are final, 0..100. */
  progress: number;
}
