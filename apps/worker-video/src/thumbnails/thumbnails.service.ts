import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  MediaflowError,
  type MediaProperties,
  type ThumbnailsOptionsSchema,
} from '@mediaflow/contracts';
import { probeMedia } from '@mediaflow/media';
import type { HandlerFile, HandlerResult } from '@mediaflow/worker-kit';
import type { z } from 'zod';
import { planFrames } from './frame-plan';
import { spriteFilenames, trackFilename, type SpriteFormat } from './output-names';
import { frameSize, spriteLayout } from './sprite-layout';
import { renderSprite } from './sprite-renderer';
import { thumbnailsVtt } from './thumbnails-vtt';

export type ThumbnailsOptions = z.output<typeof ThumbnailsOptionsSchema>;

export const DEFAULT_WIDTH = 160;
export const DEFAULT_COLUMNS = 5;
export const DEFAULT_FORMAT: SpriteFormat = 'jpeg';

export interface ThumbnailsJob {
  inputPath: string;
  options: ThumbnailsOptions;
  /** The step's ref, which names the track when `filename` does not. */
  ref: string | null;
  /** Files are made in a directory of their own inside it, which goes if the job fails. */
  workDir: string;
  signal: AbortSignal;
  /** 0..100. */
  progress(percent: number): void;
  /** Images larger than this are `input_too_large` when the input is probed. */
  maxInputPixels: number;
}

/** The share of the progress that making the sprite takes; probing the outputs is the rest. */
const SPRITE_SHARE = 95;

/**
 * `thumbnails` (docs/task-kinds.md): a sprite sheet of frames from across the video
 * and the WebVTT track that maps each slice of time to its frame. The track
 * is the output; the sheets are linked files, which the runner stores under
 * the same key prefix with the names the cues use, so that a cue's relative
 * URL resolves next to the track.
 */
export async function makeThumbnails(job: ThumbnailsJob): Promise<HandlerResult> {
  const video = await probeMedia(job.inputPath, { maxInputPixels: job.maxInputPixels });
  const { duration, width, height } = videoFacts(video);
  const { options } = job;
  const plan = planFrames(options, duration);
  const frame = frameSize(options.width ?? DEFAULT_WIDTH, { width, height });
  const layout = spriteLayout(plan.slices.length, frame, options.columns ?? DEFAULT_COLUMNS);
  const format = options.format ?? DEFAULT_FORMAT;
  const track = trackFilename(options.filename, job.ref);
  const spriteNames = spriteFilenames(format, layout.sheets.length, track);

  const dir = await mkdtemp(path.join(job.workDir, 'thumbnails-'));
  try {
    const sheets = await renderSprite(
      { input: job.inputPath, dir, plan, layout, format },
      {
        signal: job.signal,
        onProgress: (fraction) => job.progress(fraction * SPRITE_SHARE),
      },
    );
    const vttPath = path.join(dir, 'thumbnails.vtt');
    const cues = plan.slices.map((slice, i) => {
      const cell = layout.cells[i]!;
      return { start: slice.start, end: slice.end, image: spriteNames[cell.sheet]!, cell };
    });
    await writeFile(vttPath, thumbnailsVtt(cues));

    const linkedFiles = await Promise.all(
      sheets.map(async (sheet, i): Promise<HandlerFile> => {
        const expected = layout.sheets[i]!;
        const properties = await probeMedia(sheet, {
          // Our own output, not an untrusted upload: as large as a sheet may be.
          maxInputPixels: expected.width * expected.height,
        });
        // The cues' regions are only right if the sheet is the size they were laid out for.
        if (properties.width !== expected.width || properties.height !== expected.height) {
          throw new Error(
            `sprite sheet ${i + 1} is ${properties.width}x${properties.height}, not the ${expected.width}x${expected.height} laid out`,
          );
        }
        return { path: sheet, filename: spriteNames[i]!, properties };
      }),
    );
    const trackProperties = await probeMedia(vttPath, { maxInputPixels: job.maxInputPixels });
    job.progress(100);
    return {
      // ffprobe gives a WebVTT file no duration; the track spans the video's.
      file: { path: vttPath, filename: track, properties: { ...trackProperties, duration } },
      linkedFiles,
    };
  } catch (error) {
    // The work directory is the runner's: leave it as it was given.
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** What a sprite needs of the input, or why this input cannot have one. */
function videoFacts(input: MediaProperties): { duration: number; width: number; height: number } {
  if (input.kind !== 'video') {
    const what =
      input.kind === 'audio'
        ? 'an audio file, without a video stream'
        : input.kind === 'image'
          ? 'an image, not a video'
          : `a ${input.kind} file, not a video`;
    throw new MediaflowError(
      'unsupported_input',
      `Thumbnails are made from the frames of a video; the input is ${what}`,
    );
  }
  if (input.duration === null || !(input.duration > 0)) {
    throw new MediaflowError(
      'input_unreadable',
      'The video is 0 seconds long: it has no frames to make thumbnails of',
    );
  }
  if (input.width === null || input.height === null) {
    throw new MediaflowError('input_unreadable', 'The video has no frame size');
  }
  return { duration: input.duration, width: input.width, height: input.height };
}
