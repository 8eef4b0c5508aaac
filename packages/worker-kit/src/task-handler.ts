import type { MediaProperties, TaskDispatch } from '@mediaflow/contracts';

/** A file a handler made in its work directory, with its probed properties. */
export interface HandlerFile {
  /** Absolute path inside `workDir`. */
  path: string;
  /** The name it is stored and downloaded under. */
  filename: string;
  properties: MediaProperties;
}

export interface HandlerResult {
  /** The step's output file, for kinds that make one. */
  file?: HandlerFile;
  /** Files linked from the output (the thumbnails sprite). */
  linkedFiles?: HandlerFile[];
  /** The JSON result of data kinds. */
  data?: Record<string, unknown>;
}

export interface TaskContext {
  task: TaskDispatch;
  /** A local path to the input file; for `ingest`, to the staged upload (`source_key`), else null. */
  inputPath: string | null;
  /** An empty directory of this attempt's own, removed afterwards whatever happens. */
  workDir: string;
  /**
   * Aborted when the task is cancelled or runs past its time limit
   * (MEDIAFLOW_TASK_TIMEOUT_MS, or the dispatch's lower `timeout_ms`); kill child processes on it.
   */
  signal: AbortSignal;
  /** 0..100; throttled before it reaches the broker. */
  progress(percent: number): void;
}

/**
 * What a worker app registers per kind. Throw a MediaflowError with a task
 * error code (`input_unreadable`, `input_too_large`, …) for a final failure;
 * `provider_unavailable` and `timeout` are retried.
 */
export type TaskHandler = (context: TaskContext) => Promise<HandlerResult>;
