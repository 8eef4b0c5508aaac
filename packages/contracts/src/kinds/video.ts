import { z } from 'zod';
import { checkTrim, filename, int, seconds } from './common';
import { defineKind } from './define-kind';
import {
  INPUT_TRANSFER_SECONDS,
  TOOL_START_SECONDS,
  knownDuration,
  trimmedSeconds,
  type TimeBudget,
} from './time-budget';

export const VIDEO_FORMATS = ['mp4', 'webm', 'mov', 'mkv'] as const;
export const VIDEO_CODECS = ['h264', 'h265', 'vp9', 'av1'] as const;
export const QUALITY_PRESETS = ['low', 'medium', 'high', 'very_high'] as const;

/** Which codecs each container can carry. */
export const CODECS_BY_FORMAT: Record<
  (typeof VIDEO_FORMATS)[number],
  readonly (typeof VIDEO_CODECS)[number][]
> = {
  mp4: ['h264', 'h265', 'av1'],
  mov: ['h264', 'h265'],
  mkv: ['h264', 'h265', 'vp9', 'av1'],
  webm: ['vp9', 'av1'],
};

const evenDimension = () => int(16, 7680).multipleOf(2, 'must be an even number');

export const VideoOptionsSchema = z
  .strictObject({
    width: evenDimension()
      .optional()
      .describe('Output width in pixels; alone, keeps the aspect ratio'),
    height: evenDimension()
      .optional()
      .describe('Output height in pixels; alone, keeps the aspect ratio'),
    fit: z.enum(['contain', 'cover', 'fill']).optional().meta({ default: 'contain' }),
    format: z.enum(VIDEO_FORMATS).optional().meta({ default: 'mp4' }),
    codec: z
      .enum(VIDEO_CODECS)
      .optional()
      .describe('Default: h264 for mp4, mov and mkv; vp9 for webm'),
    quality: z
      .union([z.enum(QUALITY_PRESETS), int(1, 100)], {
        error: 'must be low, medium, high, very_high or a whole number from 1 to 100',
      })
      .optional()
      .meta({ default: 'high' }),
    fps: z.number().min(1).max(120).optional(),
    start: seconds().optional().describe('Trim: start at this second'),
    end: seconds().optional().describe('Trim: end at this second'),
    audio: z.boolean().optional().describe('`false` drops the audio track'),
    filename: filename().optional(),
  })
  .superRefine((o, ctx) => {
    checkTrim(o, ctx);
    const format = o.format ?? 'mp4';
    if (o.codec && !CODECS_BY_FORMAT[format].includes(o.codec)) {
      ctx.addIssue({
        code: 'custom',
        path: ['codec'],
        message: `${o.codec} cannot be stored in ${format}: must be one of: ${CODECS_BY_FORMAT[format].join(', ')}`,
      });
    }
  });

type VideoCodec = (typeof VIDEO_CODECS)[number];

/**
 * Seconds of work per second of video encoded, per codec, at the fixed
 * encoder speeds of packages/media (`ENCODER_SPEED`). Measured on the
 * 2-core CI machine while other builds kept it busy (load average 5–15),
 * a 30 s 1080p H.264 clip to 720p: h264 0.68 s/s (1.15 s/s to 1080p;
 * 0.26 s/s on a quiet machine, `pnpm bench:transcode`), h265 2.18, vp9
 * 2.51, av1 1.19. The slower codecs get about twice their loaded 720p
 * speed. h264 gets 0.9: over its loaded 720p speed and three times its quiet
 * one, and low enough that a one-hour video fits the default one-hour task
 * limit (180 + 0.9 × 3600 < 3600); a 1080p output on a machine this busy
 * (1.15 s/s) can outrun it, and then times out, for good, at its budget
 * rather than holding a slot for hours: raise MEDIAFLOW_TASK_TIMEOUT_MS
 * (and the worker's grace) for long high-resolution work.
 */
export const VIDEO_SECONDS_PER_SECOND: Record<VideoCodec, number> = {
  h264: 0.9,
  h265: 5,
  vp9: 6,
  av1: 5,
};

export const videoTimeBudget: TimeBudget<z.output<typeof VideoOptionsSchema>> = {
  floorSeconds: INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS,
  mediaSeconds(options, input) {
    const duration = knownDuration(input);
    if (duration === null) return null;
    const codec = options.codec ?? (options.format === 'webm' ? 'vp9' : 'h264');
    // Only the trimmed part is decoded and encoded: the input is seeked to `start`.
    return trimmedSeconds(duration, options) * VIDEO_SECONDS_PER_SECOND[codec];
  },
  summary: `${INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS} s, plus per second of video encoded (after the trim): ${VIDEO_CODECS.map((c) => `${c} ${VIDEO_SECONDS_PER_SECOND[c]} s`).join(', ')}`,
};

export const videoKind = defineKind({
  kind: 'video',
  summary: 'Transcode a video: size, container, codec, quality, frame rate, trim.',
  accepts: ['video'],
  output: 'video',
  worker: 'video',
  options: VideoOptionsSchema,
  timeBudget: videoTimeBudget,
});
