import {
  taskKind,
  type FileKind,
  type SkipReason,
  type TaskError,
  type WorkflowTaskKind,
} from '@mediaflow/contracts';
import type { StepFile } from './run-step';

/**
 * Why a step is skipped, in words (the codes: contracts, SKIP_REASONS).
 * Steps are named as {@link stepName} names them.
 */

const A_FILE_OF_KIND: Record<FileKind, string> = {
  video: 'a video',
  image: 'an image',
  audio: 'an audio file',
  track: 'a track',
  data: 'a data file',
};

/**
 * A task step of `kind` cannot take `input`: its kind's declaration does not
 * accept the file's media kind. Null when it can, or when the file's kind is
 * unknown (its worker decides then, as it always did).
 */
export function notApplicable(kind: WorkflowTaskKind, input: StepFile): SkipReason | null {
  const fileKind = input.properties.kind as FileKind | undefined;
  const { accepts } = taskKind(kind);
  if (fileKind === undefined || (accepts as readonly string[]).includes(fileKind)) return null;
  const named = input.filename ? ` (${input.filename})` : '';
  return {
    code: 'not_applicable',
    message: `${kind} takes ${orList(accepts)}; the input is ${A_FILE_OF_KIND[fileKind] ?? fileKind}${named}`,
  };
}

/** A step on the branch of the conditions step `conditions` that its input did not take. */
export function branchNotTaken(conditions: string, held: boolean): SkipReason {
  return {
    code: 'branch_not_taken',
    message: held
      ? `${conditions} held for the input, so its else steps did not run`
      : `${conditions} did not hold for the input, so its next steps did not run`,
  };
}

/** A step below `failed`, which failed with `error`. */
export function upstreamFailed(failed: string, error: TaskError | null): SkipReason {
  const code = error ? ` (${error.code})` : '';
  return { code: 'upstream_failed', message: `${failed} failed${code}, so this step got no input` };
}

/** A step below `skipped`, which was skipped for `reason`. */
export function upstreamSkipped(skipped: string, reason: SkipReason | null): SkipReason {
  const code = reason ? ` (${reason.code})` : '';
  return {
    code: 'upstream_skipped',
    message: `${skipped} was skipped${code}, so this step got no input`,
  };
}

/** Every step of a run whose source could not be ingested (its ingest failed with `error`). */
export function sourceFailed(error: TaskError): SkipReason {
  return {
    code: 'source_failed',
    message: `The run's source could not be ingested (${error.code}), so no step got an input`,
  };
}

/** `video or audio`, `video, audio, image or track`. */
function orList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? 'nothing')
    : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
