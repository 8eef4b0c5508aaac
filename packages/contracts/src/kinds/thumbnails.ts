import { z } from 'zod';
import { filename, int } from './common';
import { defineKind } from './define-kind';

export const ThumbnailsOptionsSchema = z
  .strictObject({
    count: int(1, 400)
      .optional()
      .describe('How many frames; give this or `interval`')
      .meta({ default: 20 }),
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

export const thumbnailsKind = defineKind({
  kind: 'thumbnails',
  summary: 'A sprite sheet of frames and a WebVTT track mapping time ranges to sprite regions.',
  accepts: ['video'],
  output: 'track',
  worker: 'video',
  options: ThumbnailsOptionsSchema,
});
