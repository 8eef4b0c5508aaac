import { z } from 'zod';
import { checkTrim, filename, int, seconds } from './common';
import { defineKind } from './define-kind';

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

export const videoKind = defineKind({
  kind: 'video',
  summary: 'Transcode a video: size, container, codec, quality, frame rate, trim.',
  accepts: ['video'],
  output: 'video',
  worker: 'video',
  options: VideoOptionsSchema,
});
