import { FRAME_SECONDS } from './audio-levels';

/** A stretch of the audio a recogniser is given on its own, in 10 ms frames. */
export interface AudioChunk {
  /** First frame. */
  start: number;
  /** Frame after the last. */
  end: number;
  /** Nothing but near silence: not worth sending to a recogniser (Whisper invents words in silence). */
  silent: boolean;
}

export interface ChunkPlanOptions {
  /** A chunk is cut no earlier than this… */
  minSeconds: number;
  /** …and no later than this. */
  maxSeconds: number;
  /** A chunk whose loudest frame is below this (dBFS) is silent. */
  silenceDb: number;
  /** The width of the quiet stretch looked for to cut at; default 0.2 s. */
  windowSeconds?: number;
}

/**
 * Splits audio too long for one recogniser call into chunks of
 * `minSeconds`..`maxSeconds`, each cut in the middle of the quietest
 * stretch of that range, most likely a pause between words. No thresholds to
 * tune: it works on quiet and loud recordings alike. Pure: frame levels in
 * (dBFS, as {@link LevelMeter} makes them), chunks out, covering every frame
 * once and in order.
 */
export function planChunks(levels: ArrayLike<number>, options: ChunkPlanOptions): AudioChunk[] {
  const total = levels.length;
  const minFrames = Math.max(1, Math.round(options.minSeconds / FRAME_SECONDS));
  const maxFrames = Math.max(minFrames, Math.round(options.maxSeconds / FRAME_SECONDS));
  const window = Math.max(1, Math.round((options.windowSeconds ?? 0.2) / FRAME_SECONDS));
  const chunks: AudioChunk[] = [];
  let start = 0;
  while (total - start > maxFrames) {
    const cut = quietestCut(levels, start + minFrames, start + maxFrames, window);
    chunks.push(chunk(levels, start, cut, options.silenceDb));
    start = cut;
  }
  if (total > start) chunks.push(chunk(levels, start, total, options.silenceDb));
  return chunks;
}

/**
 * The middle of the quietest `window` frames whose middle lies in [from, to];
 * of a run of equally quiet windows (a pause longer than the window), its middle.
 */
function quietestCut(levels: ArrayLike<number>, from: number, to: number, window: number): number {
  const half = Math.floor(window / 2);
  let runStart = to;
  let runEnd = to;
  let bestSum = Infinity;
  // A running sum over [middle - half, middle - half + window); outside the audio counts as loud.
  let sum = 0;
  const at = (i: number) => (i >= 0 && i < levels.length ? levels[i]! : 0);
  for (let i = from - half; i < from - half + window; i++) sum += at(i);
  for (let middle = from; middle <= to; middle++) {
    if (sum < bestSum - 1e-6) {
      bestSum = sum;
      runStart = middle;
      runEnd = middle;
    } else if (Math.abs(sum - bestSum) <= 1e-6 && runEnd === middle - 1) {
      runEnd = middle;
    }
    sum += at(middle - half + window) - at(middle - half);
  }
  return Math.floor((runStart + runEnd) / 2);
}

function chunk(
  levels: ArrayLike<number>,
  start: number,
  end: number,
  silenceDb: number,
): AudioChunk {
  let loudest = -Infinity;
  for (let i = start; i < end; i++) loudest = Math.max(loudest, levels[i]!);
  return { start, end, silent: loudest < silenceDb };
}

/** Seconds from the start of the audio to a frame. */
export function frameTime(frame: number): number {
  return Math.round(frame * FRAME_SECONDS * 1000) / 1000;
}
