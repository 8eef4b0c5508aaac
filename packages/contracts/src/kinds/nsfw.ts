import { z } from 'zod';
import { int } from './common';
import { defineKind } from './define-kind';
import { INPUT_TRANSFER_SECONDS, TOOL_START_SECONDS, type TimeBudget } from './time-budget';

const DEFAULT_FRAMES = 8;

export const NsfwOptionsSchema = z.strictObject({
  frames: int(1, 32)
    .optional()
    .describe('Frames sampled from a video')
    .meta({ default: DEFAULT_FRAMES }),
  threshold: z.number().min(0).max(1).optional().meta({ default: 0.7 }),
});

/**
 * Each frame of a video is a seek of its own: 2.4 s for a 4K H.264 clip
 * (frame-sample-args.ts in apps/worker-image: 19 s for 8), plus the
 * classification (tens of ms). However long the video, so long as the frames.
 */
const SECONDS_PER_FRAME = 3;

/** The floor: fetching the input, and loading the model (once a process) and ffmpeg. */
export const nsfwTimeBudget: TimeBudget<z.output<typeof NsfwOptionsSchema>> = {
  floorSeconds: INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS,
  mediaSeconds: (options, input) =>
    input.kind === 'video' ? (options.frames ?? DEFAULT_FRAMES) * SECONDS_PER_FRAME : 0,
  summary: `${INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS} s, plus ${SECONDS_PER_FRAME} s per frame sampled from a video`,
};

export const nsfwKind = defineKind({
  kind: 'nsfw',
  summary: 'Classify an image or video frames for nudity with an offline model.',
  accepts: ['image', 'video'],
  output: 'data',
  worker: 'image',
  options: NsfwOptionsSchema,
  timeBudget: nsfwTimeBudget,
});
