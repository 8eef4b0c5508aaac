import type { FileKind } from './common';

/**
 * How long one attempt of a kind may take, from its input: a floor every
 * attempt gets, plus the work its input's media adds. The scheduler sends
 * the budget with each dispatch (`timeout_ms`); the worker stops the attempt
 * at the lower of it and its own MEDIAFLOW_TASK_TIMEOUT_MS, and a timeout
 * there is final, since another attempt would do the same work at the same
 * speed. A step whose budget is over its worker's limit cannot finish: the
 * scheduler fails it with `input_too_large` instead of dispatching it.
 *
 * The numbers are generous over the speeds measured on the 2-core machine
 * CI runs on (docs/performance.md, `pnpm bench:*`), so that a busy machine
 * still finishes in time; each kind says where its numbers come from.
 */
export interface TimeBudget<Options = Record<string, unknown>> {
  /** Seconds any attempt gets, whatever its input: fetching it, starting up, storing the output. */
  floorSeconds: number;
  /**
   * Seconds of work the input adds to the floor, given the step's options.
   * Null when it cannot be told (a duration the probe did not find).
   */
  mediaSeconds(options: Options, input: BudgetInput): number | null;
  /** The budget in words, for docs/task-kinds.md. */
  summary: string;
}

/** What a budget reads of the input file: a stored file's record or the properties of a run's step. */
export interface BudgetInput {
  kind: FileKind;
  /** Seconds; null (or absent) for an image, a data file, or media whose length is unknown. */
  duration?: number | null;
}

/**
 * Fetching the input into the attempt's scratch directory and storing the
 * output: up to 2 GiB (the default MEDIAFLOW_MAX_DOWNLOAD_BYTES and
 * MEDIAFLOW_MAX_UPLOAD_BYTES) from S3 at about 20 MB/s is 107 s.
 */
export const INPUT_TRANSFER_SECONDS = 120;

/**
 * ffmpeg's own shortest time limit (`MIN_FFMPEG_TIME_LIMIT_MS` in
 * packages/media): starting up and the first frames on a busy machine.
 */
export const TOOL_START_SECONDS = 60;

/** One attempt's budget: whole seconds, and the floor it was made from. */
export interface AttemptBudget {
  seconds: number;
  floorSeconds: number;
}

/**
 * The budget of one attempt with `options` on `input`; null when there is
 * none to give (no budget for the kind, or an input whose length is
 * unknown): the worker's own MEDIAFLOW_TASK_TIMEOUT_MS applies alone.
 */
export function attemptBudget<Options>(
  budget: TimeBudget<Options> | null,
  options: Options,
  input: BudgetInput,
): AttemptBudget | null {
  if (!budget) return null;
  const media = budget.mediaSeconds(options, input);
  if (media === null) return null;
  // Up to whole seconds, past the float noise of a product such as 0.08 × 36000.
  const seconds = Math.ceil(budget.floorSeconds + media - 1e-6);
  return { seconds, floorSeconds: budget.floorSeconds };
}

/** The input's duration in seconds, when it has a usable one. */
export function knownDuration(input: BudgetInput): number | null {
  const { duration } = input;
  return typeof duration === 'number' && Number.isFinite(duration) && duration >= 0
    ? duration
    : null;
}

/** The seconds of the input a step with `start`/`end` reads (input seeking skips the rest). */
export function trimmedSeconds(duration: number, trim: { start?: number; end?: number }): number {
  const start = Math.min(trim.start ?? 0, duration);
  const end = Math.min(trim.end ?? duration, duration);
  return Math.max(0, end - start);
}
