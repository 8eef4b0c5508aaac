import { z } from 'zod';
import { int } from './common';
import { defineKind } from './define-kind';

export const NsfwOptionsSchema = z.strictObject({
  frames: int(1, 32).optional().describe('Frames sampled from a video').meta({ default: 8 }),
  threshold: z.number().min(0).max(1).optional().meta({ default: 0.7 }),
});

export const nsfwKind = defineKind({
  kind: 'nsfw',
  summary: 'Classify an image or video frames for nudity with an offline model.',
  accepts: ['image', 'video'],
  output: 'data',
  worker: 'image',
  options: NsfwOptionsSchema,
});
