import { mediaInputArgs } from './file-input-args';

/**
 * ffmpeg arguments for grabbing one frame as a PNG. Pure, so the exact
 * command is what the tests assert.
 */

/** Frames the representative pick chooses among. */
export const CANDIDATE_FRAMES = 10;
/** The search window: the first 10 % of the video, at least 1 s, at most 30 s of decoding. */
export const WINDOW_SHARE = 0.1;
export const MIN_WINDOW_SECONDS = 1;
export const MAX_WINDOW_SECONDS = 30;
/** How far past the window a long black opening is searched before giving up. */
export const BLACK_LEAD_LIMIT_SECONDS = 60;
/** A pixel darker than this luma is black; a frame with at least BLACK_SHARE % of them is a black frame. */
export const BLACK_LUMA = 32;
export const BLACK_SHARE = 90;

function pngOutput(path: string): string[] {
  return ['-frames:v', '1', '-update', '1', '-f', 'image2', '-c:v', 'png', '-y', `file:${path}`];
}

/** `0:V:0`: the first video stream that is not cover art. */
const VIDEO_ONLY = ['-map', '0:V:0', '-an', '-sn', '-dn'];

/**
 * The frame at `atSeconds` (input seeking: fast, and exact since ffmpeg
 * decodes from the keyframe before), through `videoFilter` when given
 * (e.g. a scale, so a 4K frame is never written at full size).
 */
export function frameAtArgs(
  inputPath: string,
  outputPath: string,
  atSeconds: number,
  videoFilter?: string,
): string[] {
  return [
    '-ss',
    seconds(atSeconds),
    ...mediaInputArgs(inputPath),
    ...VIDEO_ONLY,
    ...(videoFilter ? ['-vf', videoFilter] : []),
    ...pngOutput(outputPath),
  ];
}

export interface LastFrameOptions {
  /**
   * Decode from the keyframe before this time instead of over the input's
   * last 2 s: for a time past the video stream's end (a soundtrack longer
   * than the picture), where those 2 s may hold no frame.
   */
  fromSeconds?: number;
  /** A filter every frame goes through, e.g. a scale. */
  videoFilter?: string;
  /** PNG compression, 0..9 (ffmpeg's default when unset): low for a file that is only read back once. */
  compressionLevel?: number;
}

/**
 * The last frame: every frame decoded, from 2 s before the input's end or
 * from the keyframe before `fromSeconds`, overwrites the same file. That
 * seek is not accurate, so the frames before `fromSeconds` are kept, with
 * negative timestamps: `-fps_mode passthrough` writes them as they come
 * rather than dropping them.
 */
export function lastFrameArgs(
  inputPath: string,
  outputPath: string,
  { fromSeconds, videoFilter, compressionLevel }: LastFrameOptions = {},
): string[] {
  const fromTime = fromSeconds !== undefined;
  return [
    ...(fromTime ? ['-noaccurate_seek', '-ss', seconds(fromSeconds)] : ['-sseof', '-2']),
    ...mediaInputArgs(inputPath),
    ...VIDEO_ONLY,
    ...(videoFilter ? ['-vf', videoFilter] : []),
    ...(fromTime ? ['-fps_mode', 'passthrough'] : []),
    '-update',
    '1',
    '-f',
    'image2',
    '-c:v',
    'png',
    ...(compressionLevel !== undefined ? ['-compression_level', String(compressionLevel)] : []),
    '-y',
    `file:${outputPath}`,
  ];
}

/**
 * A representative, non-black frame from the start of the video, in one
 * pass from the beginning:
 * - `fps` samples the video so that CANDIDATE_FRAMES samples span the
 *   window (10 % of the duration, 1..30 s), which bounds the work below;
 * - `blackframe=amount=0` tags every sample with its share of black pixels
 *   and `metadata=select` keeps those under BLACK_SHARE %, so a black
 *   opening (fade-in, leader) is skipped rather than counted in the window;
 * - `thumbnail` picks, among the first CANDIDATE_FRAMES kept samples, the
 *   one closest to their average colour histogram (the least odd one), and
 *   `-frames:v 1` stops ffmpeg as soon as it has;
 * - `-t` bounds the decoding when the opening is black for long.
 * An all-black video yields no frame at all; the caller falls back.
 */
export function representativeFrameArgs(
  inputPath: string,
  outputPath: string,
  durationSeconds: number | null,
): string[] {
  const window = searchWindow(durationSeconds);
  const filters = [
    `fps=${CANDIDATE_FRAMES}/${seconds(window)}`,
    `blackframe=amount=0:threshold=${BLACK_LUMA}`,
    `metadata=mode=select:key=lavfi.blackframe.pblack:value=${BLACK_SHARE}:function=less`,
    `thumbnail=n=${CANDIDATE_FRAMES}`,
  ].join(',');
  return [
    '-t',
    seconds(window + BLACK_LEAD_LIMIT_SECONDS),
    ...mediaInputArgs(inputPath),
    ...VIDEO_ONLY,
    '-vf',
    filters,
    ...pngOutput(outputPath),
  ];
}

export function searchWindow(durationSeconds: number | null): number {
  if (durationSeconds === null || !(durationSeconds > 0)) return MAX_WINDOW_SECONDS;
  return Math.min(MAX_WINDOW_SECONDS, Math.max(MIN_WINDOW_SECONDS, durationSeconds * WINDOW_SHARE));
}

/** Seconds as ffmpeg reads them, to the millisecond. */
function seconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
