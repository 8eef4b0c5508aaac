import { rm } from 'node:fs/promises';
import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import { runFfmpeg } from './ffmpeg-runner';
import { probeMedia } from './probe';

export interface EncodeMediaOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** Seconds the output should last, to turn ffmpeg's progress into a percentage; null: unknown. */
  expectedSeconds: number | null;
  /** 0..100 of the expected output written so far. */
  onPercent?: (percent: number) => void;
  /** For probing the output (MEDIAFLOW_MAX_INPUT_PIXELS). */
  maxInputPixels: number;
  /** Throws to refuse what ffmpeg wrote (no video in a video, no sound in an audio file). */
  check?: (properties: MediaProperties) => void;
}

/**
 * Runs ffmpeg to write `outputPath` and probes what it wrote. Whatever goes
 * wrong (ffmpeg fails or is cancelled, the output cannot be read back or
 * fails the check), the file is removed: a failed task leaves nothing behind.
 */
export async function encodeMediaFile(
  args: readonly string[],
  outputPath: string,
  options: EncodeMediaOptions,
): Promise<MediaProperties> {
  const { signal, timeoutMs, expectedSeconds, onPercent, maxInputPixels, check } = options;
  try {
    await runFfmpeg(args, {
      signal,
      timeoutMs,
      onProgress: (seconds) => {
        const percent = outputPercent(seconds, expectedSeconds);
        if (percent !== null) onPercent?.(percent);
      },
    });
    // Cancelled just as ffmpeg finished: the file is not wanted any more.
    if (signal.aborted) throw abortReason(signal);
    const properties = await probeMedia(outputPath, { maxInputPixels });
    check?.(properties);
    return properties;
  } catch (error) {
    await rm(outputPath, { force: true });
    throw error;
  }
}

/** How much of the expected output `seconds` is, 0..100; null when the length is unknown. */
export function outputPercent(seconds: number, expectedSeconds: number | null): number | null {
  if (expectedSeconds === null || !(expectedSeconds > 0)) return null;
  return Math.min(100, Math.max(0, (seconds / expectedSeconds) * 100));
}

/** The task runner aborts with a MediaflowError (cancelled, timeout); any other abort is a cancellation. */
function abortReason(signal: AbortSignal): MediaflowError {
  return signal.reason instanceof MediaflowError
    ? signal.reason
    : new MediaflowError('cancelled', 'The task was cancelled');
}
