import { execFile } from 'node:child_process';
import { copyFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MediaflowError } from '@mediaflow/contracts';
import { runFfmpeg, toolPaths } from '@mediaflow/media';
import type { FramePlan } from './frame-plan';
import { SPRITE_EXTENSION, type SpriteFormat } from './output-names';
import {
  chooseExtraction,
  grabArgs,
  lastCellArgs,
  singlePassArgs,
  tileArgs,
  type Extraction,
} from './sprite-args';
import type { SpriteLayout } from './sprite-layout';

const execFileAsync = promisify(execFile);

/** A single pass may take this long, plus SINGLE_PASS_MS_PER_SECOND per second of video. */
const SINGLE_PASS_BASE_MS = 60_000;
/** Decoding at a quarter of real time: 4K HEVC on two cores, with room to spare. */
const SINGLE_PASS_MS_PER_SECOND = 4_000;
/** One seek decodes at most a GOP. */
const GRAB_TIMEOUT_MS = 120_000;
const TILE_BASE_MS = 60_000;
const TILE_MS_PER_FRAME = 100;
/** The share of the progress that getting the frames takes; tiling them is the rest. */
const FRAMES_SHARE = 0.95;
/** Grabs run two at a time: on 2 cores 1.25× the throughput of one (each ffmpeg already threads its decoder). */
const GRAB_CONCURRENCY = 2;

export interface SpriteJob {
  input: string;
  /** An empty directory of the job's own. */
  dir: string;
  plan: FramePlan;
  layout: SpriteLayout;
  format: SpriteFormat;
}

export interface RenderOptions {
  signal: AbortSignal;
  /** 0..1 of the work done. */
  onProgress?: (fraction: number) => void;
  /** How to get the frames; by default what `chooseExtraction` picks for the plan. */
  extraction?: Extraction;
}

/** Makes the sprite sheets of `layout` from the planned frames; returns their paths, in order. */
export async function renderSprite(job: SpriteJob, options: RenderOptions): Promise<string[]> {
  await requireEncoder(job.format);
  const extraction = options.extraction ?? chooseExtraction(job.plan);
  const frames = job.plan.slices.length;
  // The frames are most of the work; tiling them is quick.
  const framesProgress = (fraction: number) => options.onProgress?.(fraction * FRAMES_SHARE);
  if (extraction === 'single-pass') {
    const { duration } = job.plan;
    // Slot k is written at k s of the output.
    await runFfmpeg(
      singlePassArgs({
        input: job.input,
        plan: job.plan,
        frame: job.layout.frame,
        cellPattern: cellPath(job.dir, '%d'),
      }),
      {
        signal: options.signal,
        timeoutMs: SINGLE_PASS_BASE_MS + SINGLE_PASS_MS_PER_SECOND * duration,
        onProgress: (slots) => framesProgress(Math.min(1, slots / frames)),
      },
    );
  } else {
    await grabFrames(job, options.signal, framesProgress);
  }
  for (let i = 0; i < frames; i++) {
    // ffmpeg exits 0 having written nothing when no frame decodes.
    if (!(await written(cellPath(job.dir, String(i))))) throw noFrame();
  }

  const sheetPattern = path.join(job.dir, `sheet-%d.${SPRITE_EXTENSION[job.format]}`);
  await runFfmpeg(
    tileArgs({
      cellPattern: cellPath(job.dir, '%d'),
      layout: job.layout,
      format: job.format,
      sheetPattern,
    }),
    { signal: options.signal, timeoutMs: TILE_BASE_MS + TILE_MS_PER_FRAME * frames },
  );
  const sheets = job.layout.sheets.map((_, i) => sheetPattern.replace('%d', String(i + 1)));
  for (const sheet of sheets) {
    if (!(await written(sheet))) throw new Error(`ffmpeg wrote no ${path.basename(sheet)}`);
  }
  // The frames are in the sheets now: their disk space is better free while the sheets upload.
  await Promise.all(
    [...Array.from({ length: frames }, (_, i) => String(i)), 'last'].map((name) =>
      rm(cellPath(job.dir, name), { force: true }),
    ),
  );
  options.onProgress?.(1);
  return sheets;
}

/**
 * Grabs every planned frame by seeking, GRAB_CONCURRENCY at a time. A frame
 * past the video stream's end (a soundtrack longer than the picture) is its
 * last frame. The first failure stops the other grabs, and the error comes
 * only once no ffmpeg is left running.
 */
async function grabFrames(
  job: SpriteJob,
  signal: AbortSignal,
  onProgress: (fraction: number) => void,
): Promise<void> {
  const { slices } = job.plan;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  let next = 0;
  let done = 0;
  let lastFrame: Promise<string> | undefined;
  const errors: unknown[] = [];
  const run = (args: string[]) =>
    runFfmpeg(args, { signal: stop.signal, timeoutMs: GRAB_TIMEOUT_MS });

  const worker = async () => {
    while (next < slices.length && !stop.signal.aborted) {
      const index = next++;
      const cell = cellPath(job.dir, String(index));
      try {
        await run(grabArgs(job.input, cell, slices[index]!.at, job.layout.frame));
        if (!(await written(cell))) {
          lastFrame ??= grabLastFrame(job, slices[index]!.at, run);
          await copyFile(await lastFrame, cell);
        }
        onProgress(++done / slices.length);
      } catch (error) {
        errors.push(error);
        stop.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: GRAB_CONCURRENCY }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // The first error is the cause; the others are the grabs it stopped.
  if (errors.length > 0) throw errors[0];
  if (signal.aborted) throw signal.reason;
}

async function grabLastFrame(
  job: SpriteJob,
  at: number,
  run: (args: string[]) => Promise<void>,
): Promise<string> {
  const cell = cellPath(job.dir, 'last');
  await run(lastCellArgs(job.input, cell, at, job.layout.frame));
  if (!(await written(cell))) throw noFrame();
  return cell;
}

function noFrame(): MediaflowError {
  return new MediaflowError('input_unreadable', 'No frame of the video could be decoded');
}

function cellPath(dir: string, name: string): string {
  return path.join(dir, `cell-${name}.png`);
}

async function written(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info !== null && info.size > 0;
}

/** The encoders each ffmpeg binary has, asked once per path. */
const encoderLists = new Map<string, Promise<string>>();

const ENCODER: Record<SpriteFormat, string> = { jpeg: 'mjpeg', webp: 'libwebp' };

/**
 * WebP needs an ffmpeg built with libwebp (Debian's is). Without it the task
 * fails with a message that says so rather than with ffmpeg's.
 */
async function requireEncoder(format: SpriteFormat): Promise<void> {
  const ffmpeg = toolPaths().ffmpeg;
  let list = encoderLists.get(ffmpeg);
  if (!list) {
    list = execFileAsync(ffmpeg, ['-hide_banner', '-encoders'], { timeout: 10_000 }).then(
      ({ stdout }) => stdout,
    );
    list.catch(() => encoderLists.delete(ffmpeg));
    encoderLists.set(ffmpeg, list);
  }
  // An ffmpeg that cannot even list its encoders fails the run itself, with runFfmpeg's message.
  const encoders = await list.catch(() => null);
  const encoder = ENCODER[format];
  if (encoders === null) return;
  if (!encoders.split('\n').some((line) => line.trim().split(/\s+/)[1] === encoder)) {
    throw new MediaflowError(
      'internal',
      `${format} thumbnails need ffmpeg's ${encoder} encoder, which ${ffmpeg} does not have`,
    );
  }
}
