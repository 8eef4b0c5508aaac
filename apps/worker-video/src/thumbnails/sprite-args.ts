import { fileInputArgs, lastFrameArgs, mediaInputArgs } from '@mediaflow/media';
import type { FramePlan } from './frame-plan';
import type { SpriteFormat } from './output-names';
import type { FrameSize, SpriteLayout } from './sprite-layout';

/**
 * ffmpeg arguments for making sprite sheets. Pure, so the exact commands are
 * what the unit tests assert; the integration tests run them.
 *
 * Two ways to get the frames, both picking the frame on screen at each
 * slice's middle (the last one whose timestamp is not after it) and writing
 * it as a PNG at the frame size:
 * - `single-pass` decodes the whole video once and picks the frames in its
 *   filter graph;
 * - `seek` grabs each frame by input seeking (decoding from the keyframe
 *   before it), one ffmpeg run per frame.
 * A last run tiles the frames into the sheets.
 */
export type Extraction = 'single-pass' | 'seek';

/**
 * Slices at least this long are grabbed by seeking. A seek costs a process
 * and, on average, half a GOP of decoding; a single pass costs decoding all
 * of the slice. Measured on 2 cores with a 1080p H.264 video (GOP 8.3 s):
 * a single pass decodes at ~8× real time (15 s for 120 s), a seek costs
 * 0.5–0.75 s, so seeking wins from slices of ~5–6 s. 8 s leaves room for
 * videos with longer GOPs, where each seek decodes more.
 */
export const SEEK_MIN_STEP_SECONDS = 8;

export function chooseExtraction(plan: FramePlan): Extraction {
  return plan.step >= SEEK_MIN_STEP_SECONDS ? 'seek' : 'single-pass';
}

export const JPEG_QSCALE = 4;
export const WEBP_QUALITY = 75;

/** Seconds (or slots) as the filter expressions read them, to the microsecond. */
function num(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

/** The scale every frame gets: the planned size exactly, square pixels. */
function scale(frame: FrameSize): string {
  return `scale=${frame.width}:${frame.height}:flags=lanczos,setsar=1`;
}

/**
 * The encoder of the sheets. JPEG needs full-range YUV; libwebp takes the
 * usual 4:2:0.
 */
export function encoderArgs(format: SpriteFormat): string[] {
  return format === 'jpeg'
    ? ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', String(JPEG_QSCALE)]
    : ['-c:v', 'libwebp', '-pix_fmt', 'yuv420p', '-quality', String(WEBP_QUALITY)];
}

/** Tiles the frames (`cellPattern`: `…/cell-%d.png`, numbered from 0) into sheets (`…/sheet-%d.jpg`, from 1). */
export function tileArgs(job: {
  cellPattern: string;
  layout: SpriteLayout;
  format: SpriteFormat;
  sheetPattern: string;
}): string[] {
  const { layout } = job;
  return [
    '-f',
    'image2',
    '-framerate',
    '1',
    '-start_number',
    '0',
    // Our own PNGs, read as the image2 sequence a user's file may never be.
    ...fileInputArgs(job.cellPattern),
    '-vf',
    `tile=${layout.columns}x${layout.rowsPerSheet}`,
    '-frames:v',
    String(layout.sheets.length),
    ...encoderArgs(job.format),
    '-start_number',
    '1',
    '-f',
    'image2',
    '-y',
    `file:${job.sheetPattern}`,
  ];
}

/**
 * The timeline mapped onto slots: slice k's middle becomes slot k, so that
 * the `fps=1` filter, rounding timestamps up, emits for slot k the frame on
 * screen at that middle — repeating a frame when slices are shorter than
 * frames, and padding from the first frame before it. Slices are equal but
 * the last, so the map is linear but for the last slice, which is stretched
 * to a slot's length.
 */
export function slotExpression(plan: FramePlan): string {
  const count = plan.slices.length;
  const last = plan.slices[count - 1]!;
  const step = num(plan.step);
  const lastStart = num(last.start);
  const beforeLast = `(T-${num(plan.step / 2)})/${step}`;
  const inLast = `${num(count - 1.5)}+(T-${lastStart})/${num(last.end - last.start)}`;
  return `if(lt(T,${lastStart}),${beforeLast},${inLast})`;
}

/**
 * One run: decode once, pick the planned frames and write each as a PNG
 * (`cellPattern`: `…/cell-%d.png`, numbered from 0), which `tileArgs` then
 * lays out. For slots past the video stream's end (a soundtrack longer
 * than the picture), the `tpad`s clone the last frame. The frames come out
 * one a second, slot k at k s, so ffmpeg's progress counts the slots done.
 * Tiling in the same run would report nothing until the end: ffmpeg reports
 * progress only once every output has started, and a sheet starts when it
 * is full.
 */
export function singlePassArgs(job: {
  input: string;
  plan: FramePlan;
  frame: FrameSize;
  cellPattern: string;
}): string[] {
  const { plan } = job;
  const count = plan.slices.length;
  const last = plan.slices[count - 1]!;
  const filters = [
    // fps emits no slot at or after the stream's end: a slot's worth more of the last frame lets it.
    `tpad=stop_mode=clone:stop_duration=${num(Math.max(plan.step, last.end - last.start))}`,
    `setpts='(${slotExpression(plan)})/TB'`,
    'fps=fps=1:start_time=0:round=up',
    scale(job.frame),
    `tpad=stop_mode=clone:stop=${count}`,
  ].join(',');
  return [
    ...mediaInputArgs(job.input),
    '-map',
    '0:V:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters,
    '-frames:v',
    String(count),
    ...cellEncoder(),
    '-start_number',
    '0',
    '-f',
    'image2',
    '-y',
    `file:${job.cellPattern}`,
  ];
}

/**
 * One frame by input seeking, as a PNG at the frame size: without accurate
 * seeking, the frames decoded from the keyframe before `at` keep their
 * timestamps (negative before `at`), and `fps` takes the last one at or
 * before it, as the single pass does. Nothing is written when `at` is past
 * the video stream's last frame.
 */
export function grabArgs(
  inputPath: string,
  cellPath: string,
  at: number,
  frame: FrameSize,
): string[] {
  return [
    '-noaccurate_seek',
    '-ss',
    num(at),
    ...mediaInputArgs(inputPath),
    '-map',
    '0:V:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=fps=1:start_time=0:round=up,${scale(frame)}`,
    ...cellOutput(cellPath),
  ];
}

/**
 * The video's last frame at the frame size, for a time past the video
 * stream's end (a soundtrack longer than the picture), where a grab finds
 * none: decoded from the keyframe before `at` to the end.
 */
export function lastCellArgs(
  inputPath: string,
  cellPath: string,
  at: number,
  frame: FrameSize,
): string[] {
  return lastFrameArgs(inputPath, cellPath, {
    fromSeconds: at,
    videoFilter: scale(frame),
    compressionLevel: CELL_PNG_COMPRESSION,
  });
}

function cellOutput(cellPath: string): string[] {
  return [
    '-frames:v',
    '1',
    ...cellEncoder(),
    '-update',
    '1',
    '-f',
    'image2',
    '-y',
    `file:${cellPath}`,
  ];
}

/** Frames on their way to the tiler: lossless, and quick to write rather than small. */
const CELL_PNG_COMPRESSION = 1;

function cellEncoder(): string[] {
  return ['-c:v', 'png', '-compression_level', String(CELL_PNG_COMPRESSION)];
}
