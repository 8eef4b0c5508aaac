import { z } from 'zod';
import { filename, int } from './common';
import { defineKind } from './define-kind';
import {
  INPUT_TRANSFER_SECONDS,
  TOOL_START_SECONDS,
  knownDuration,
  type TimeBudget,
} from './time-budget';

/** The most frames one task makes, and how many it makes when neither `count` nor `interval` is given. */
export const THUMBNAILS_MAX_FRAMES = 400;
export const THUMBNAILS_DEFAULT_COUNT = 20;

export const ThumbnailsOptionsSchema = z
  .strictObject({
    count: int(1, THUMBNAILS_MAX_FRAMES)
      .optional()
      .describe('How many frames; give this or `interval`')
      .meta({ default: THUMBNAILS_DEFAULT_COUNT }),
    interval: z.number().min(0.1).max(3600).optional().describe('Seconds between frames'),
    width: int(32, 640)
      .optional()
      .describe('Width of one frame in the sprite')
      .meta({ default: 160 }),
    columns: int(1, 20).optional().meta({ default: 5 }),
    format: z.enum(['jpeg', 'webp']).optional().meta({ default: 'jpeg' }),
    filename: filename().optional(),
  })
  .superRefine((o, ctx) => {
    if (o.count !== undefined && o.interval !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: 'give count or interval, not both',
      });
    }
  });

/**
 * Slices at least this long have their frame grabbed by seeking, shorter
 * ones come from one pass over the whole video: apps/worker-video's
 * `SEEK_MIN_STEP_SECONDS` (sprite-args.ts, where the choice is measured).
 */
const SEEK_MIN_STEP_SECONDS = 8;
/**
 * One pass decodes the video: measured at 0.125 s/s for 1080p H.264 on 2
 * cores (sprite-args.ts), 0.26 s/s while other builds kept the machine busy;
 * a 4K picture is four times the pixels, which 1 s/s covers. A pass never
 * reads more than 400 slices of 8 s (3200 s), so no input is too long.
 */
const SINGLE_PASS_SECONDS_PER_SECOND = 1;
/**
 * A seek and its frame: 0.5–0.75 s for 1080p H.264 (sprite-args.ts), 2.4 s
 * for 4K (frame-sample-args.ts in apps/worker-image), plus tiling (0.1 s a
 * frame). Seeking does not grow with the video's length.
 */
const SEEK_SECONDS_PER_FRAME = 2.5;

export const thumbnailsTimeBudget: TimeBudget<z.output<typeof ThumbnailsOptionsSchema>> = {
  floorSeconds: INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS,
  mediaSeconds(options, input) {
    const duration = knownDuration(input);
    if (duration === null) return null;
    const asked =
      options.interval !== undefined
        ? Math.ceil(duration / options.interval)
        : (options.count ?? THUMBNAILS_DEFAULT_COUNT);
    const frames = Math.max(1, Math.min(THUMBNAILS_MAX_FRAMES, asked));
    return duration / frames >= SEEK_MIN_STEP_SECONDS
      ? frames * SEEK_SECONDS_PER_FRAME
      : duration * SINGLE_PASS_SECONDS_PER_SECOND;
  },
  summary: `${INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS} s, plus ${SINGLE_PASS_SECONDS_PER_SECOND} s per second of video when the frames are ${SEEK_MIN_STEP_SECONDS} s apart or less (one pass decodes it all), else ${SEEK_SECONDS_PER_FRAME} s per frame (each is a seek)`,
};

export const thumbnailsKind = defineKind({
  kind: 'thumbnails',
  summary: 'A sprite sheet of frames and a WebVTT track mapping time ranges to sprite regions.',
  accepts: ['video'],
  output: 'track',
  worker: 'video',
  options: ThumbnailsOptionsSchema,
  timeBudget: thumbnailsTimeBudget,
});
