import { rm } from 'node:fs/promises';
import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import { decodedCutShortError, extentCutShort, isCutShort } from './cut-short';
import { runFfmpeg } from './ffmpeg-runner';
import { readMediaExtent } from './media-extent';
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
  /**
   * The file ffmpeg reads, to fail `input_unreadable` when less than
   * `expectedSeconds` came out of it because it is cut short: ffmpeg decodes
   * what is there and exits 0.
   */
  source?: EncodeSource;
}

export interface EncodeSource {
  path: string;
  /** The input's duration as probed: what its container declares. */
  declaredSeconds: number;
  /** A trim chose the part expected. */
  ranged: boolean;
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
  const { signal, timeoutMs, expectedSeconds, onPercent, maxInputPixels, check, source } = options;
  let written = 0;
  try {
    await runFfmpeg(args, {
      signal,
      timeoutMs,
      onProgress: (seconds) => {
        written = Math.max(written, seconds);
        const percent = outputPercent(seconds, expectedSeconds);
        if (percent !== null) onPercent?.(percent);
      },
    });
    // Cancelled just as ffmpeg finished: the file is not wanted any more.
    if (signal.aborted) throw abortReason(signal);
    const properties = await probeMedia(outputPath, { maxInputPixels });
    check?.(properties);
    if (source && expectedSeconds !== null) {
      // ffmpeg's last `out_time` is the last frame's start; the output's probed
      // duration includes it. The larger is what was decoded.
      const decoded = Math.max(written, properties.duration ?? 0);
      if (isCutShort(decoded, expectedSeconds)) {
        await assertSourceWhole(source, decoded, expectedSeconds, timeoutMs);
      }
    }
    return properties;
  } catch (error) {
    await rm(outputPath, { force: true });
    throw error;
  }
}

/**
 * An output short of the expected length is not proof of a bad input: a
 * video whose last frame stays on screen for seconds, or a soundtrack that
 * outlasts the picture left out, come out shorter than the container's
 * duration too. The input's own last packets tell: only when its data stops
 * short of what it declares is the file cut short. This costs an ffprobe
 * run only for the rare output that came out short.
 */
async function assertSourceWhole(
  source: EncodeSource,
  decoded: number,
  expectedSeconds: number,
  timeoutMs: number,
): Promise<void> {
  const extent = await readMediaExtent(source.path, {
    declaredSeconds: source.declaredSeconds,
    timeoutMs: Math.min(timeoutMs, 30_000),
  });
  if (extent && extentCutShort(extent)) {
    throw decodedCutShortError(decoded, expectedSeconds, source.ranged);
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
