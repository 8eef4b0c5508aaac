import { MediaflowError } from '@mediaflow/contracts';
import { mediaInputArgs } from './file-input-args';

/**
 * The input side of an ffmpeg command that reads a file, optionally trimmed
 * to a time range (the `start` / `end` options of docs/task-kinds.md). Pure, so the
 * exact arguments are what the tests assert.
 */

/** A range of the input in seconds; either end may be open. */
export interface Trim {
  start?: number;
  end?: number;
}

/**
 * `-ss` and `-t` before `-i` apply to the input: ffmpeg seeks to the
 * keyframe before `start` and trims the decoded stream to exactly
 * `end - start` seconds from there, so a re-encode is both fast and
 * frame-accurate. On the input rather than the output, `-t` also stops the
 * reading: a filter that buffers ahead (loudnorm holds 3 s) never sees what
 * lies past `end`, so a measurement covers the range and nothing more.
 */
export function trimmedInputArgs(inputPath: string, trim: Trim): string[] {
  const start = trim.start ?? 0;
  return [
    ...(start > 0 ? ['-ss', ffmpegSeconds(start)] : []),
    ...(trim.end !== undefined ? ['-t', ffmpegSeconds(trim.end - start)] : []),
    ...mediaInputArgs(inputPath),
  ];
}

/**
 * Seconds the output will last: the range clipped to the input. Null when
 * neither the input's duration nor an `end` says.
 */
export function trimmedDuration(duration: number | null, trim: Trim): number | null {
  const start = trim.start ?? 0;
  const end =
    duration === null
      ? (trim.end ?? null)
      : Math.min(trim.end ?? Number.POSITIVE_INFINITY, duration);
  return end === null ? null : Math.max(0, end - start);
}

/**
 * A trim must keep something: a `start` at or past the end of the input
 * fails `unsupported_input` before ffmpeg runs (the options are valid in
 * themselves; it is this input they do not fit).
 */
export function assertTrimWithin(trim: Trim, duration: number | null): void {
  const start = trim.start ?? 0;
  if (duration !== null && start > 0 && start >= duration) {
    throw new MediaflowError(
      'unsupported_input',
      `The trim starts at ${ffmpegSeconds(start)} s, at or past the end of the input (${ffmpegSeconds(duration)} s)`,
    );
  }
}

/** Seconds as ffmpeg reads them, to the millisecond. */
export function ffmpegSeconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
