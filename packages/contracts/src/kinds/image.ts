import { z } from 'zod';
import { filename, hexColour, int, MAX_OUTPUT_PIXELS, seconds } from './common';
import { defineKind } from './define-kind';
import { INPUT_TRANSFER_SECONDS, type TimeBudget } from './time-budget';

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'avif'] as const;
export const IMAGE_FITS = ['contain', 'cover', 'fill', 'inside', 'outside'] as const;
type ImageFit = (typeof IMAGE_FITS)[number];

/** The fits that make exactly the box asked for, enlarging if need be; `inside` and `outside` never enlarge. */
const BOX_FITS: readonly ImageFit[] = ['cover', 'contain', 'fill'];

/**
 * The size an image step's output has whatever its input: both sides given
 * with a fit that fills the box (`cover` when none is given). Null when the
 * input decides it: one side alone, `inside` or `outside` keep its aspect and
 * never enlarge it, so the output has no more pixels than the input.
 */
export function imageOutputBox(options: {
  width?: number;
  height?: number;
  fit?: ImageFit;
}): { width: number; height: number } | null {
  const { width, height } = options;
  if (width === undefined || height === undefined) return null;
  return BOX_FITS.includes(options.fit ?? 'cover') ? { width, height } : null;
}

export const ImageOptionsSchema = z
  .strictObject({
    width: int(1, 16384).optional(),
    height: int(1, 16384).optional(),
    fit: z
      .enum(IMAGE_FITS)
      .optional()
      .describe(
        `Default \`cover\` when both width and height are given; \`cover\`, \`contain\` and \`fill\` make exactly width × height, at most ${MAX_OUTPUT_PIXELS} pixels`,
      ),
    format: z
      .enum(IMAGE_FORMATS)
      .optional()
      .describe("Default: jpeg for video frames, the input's format for images"),
    quality: int(1, 100).optional(),
    background: hexColour().optional().describe('Padding colour for `contain`'),
    start: seconds().optional().describe('For a video: the second to take the frame at'),
    filename: filename().optional(),
  })
  .superRefine((o, ctx) => {
    // Refused here, not after the worker has rendered a gigabyte of pixels.
    const box = imageOutputBox(o);
    if (box && box.width * box.height > MAX_OUTPUT_PIXELS) {
      ctx.addIssue({
        code: 'custom',
        path: ['height'],
        message: `${box.width} × ${box.height} is ${box.width * box.height} pixels: an output may have at most ${MAX_OUTPUT_PIXELS} (width × height)`,
      });
    }
  });

/**
 * No duration to scale with: fetching the input, then decoding and encoding
 * at most MAX_OUTPUT_PIXELS. The slowest measured, on the 2-core CI machine
 * while other builds kept it busy: a 100-megapixel picture to AVIF with
 * sharp's defaults in 70 s (WebP 11 s, JPEG 1.7 s); 120 s is 1.7 times that.
 */
const IMAGE_WORK_SECONDS = 120;

export const imageTimeBudget: TimeBudget<z.output<typeof ImageOptionsSchema>> = {
  floorSeconds: INPUT_TRANSFER_SECONDS + IMAGE_WORK_SECONDS,
  // A frame of a video is one seek (2.4 s at 4K), whatever the video's length.
  mediaSeconds: () => 0,
  summary: `${INPUT_TRANSFER_SECONDS + IMAGE_WORK_SECONDS} s, whatever the input`,
};

export const imageKind = defineKind({
  kind: 'image',
  summary: 'Resize and convert an image, or grab a frame from a video.',
  accepts: ['image', 'video'],
  output: 'image',
  worker: 'image',
  options: ImageOptionsSchema,
  timeBudget: imageTimeBudget,
});
