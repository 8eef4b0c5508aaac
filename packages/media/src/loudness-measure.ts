import { runFfmpeg } from './ffmpeg-runner';
import {
  loudnessMeasureArgs,
  parseLoudnessMeasurement,
  type LoudnessMeasurement,
} from './loudnorm-args';
import type { Trim } from './trim-args';

/** loudnorm's report comes last; the stderr before it (stream listings, warnings) is not needed. */
const KEPT_STDERR_CHARS = 64 * 1024;

export interface MeasureLoudnessOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** Seconds of the input measured so far. */
  onProgress?: (seconds: number) => void;
}

/** The first pass of loudness normalisation: measures the input's first audio stream, in the range of `trim`. */
export async function measureLoudness(
  inputPath: string,
  trim: Trim,
  options: MeasureLoudnessOptions,
): Promise<LoudnessMeasurement> {
  let stderr = '';
  await runFfmpeg(loudnessMeasureArgs(inputPath, trim), {
    ...options,
    onStderr: (chunk) => {
      stderr = (stderr + chunk).slice(-KEPT_STDERR_CHARS);
    },
  });
  return parseLoudnessMeasurement(stderr);
}
