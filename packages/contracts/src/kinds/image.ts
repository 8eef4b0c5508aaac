import { z } from 'zod';
import { filename, hexColour, int, seconds } from './common';
import { defineKind } from './define-kind';

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'avif'] as const;
export const IMAGE_FITS = ['contain', 'cover', 'fill', 'inside', 'outside'] as const;

export const ImageOptionsSchema = z.strictObject({
  width: int(1, 16384).optional(),
  height: int(1, 16384).optional(),
  fit: z
    .enum(IMAGE_FITS)
    .optional()
    .describe('Default `cover` when both width and height are given'),
  format: z
    .enum(IMAGE_FORMATS)
    .optional()
    .describe("Default: jpeg for video frames, the input's format for images"),
  quality: int(1, 100).optional(),
  background: hexColour().optional().describe('Padding colour for `contain`'),
  start: seconds().optional().describe('For a video: the second to take the frame at'),
  filename: filename().optional(),
});

export const imageKind = defineKind({
  kind: 'image',
  summary: 'Resize and convert an image, or grab a frame from a video.',
  accepts: ['image', 'video'],
  output: 'image',
  worker: 'image',
  options: ImageOptionsSchema,
});
