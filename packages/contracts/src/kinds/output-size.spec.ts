import { z } from 'zod';
import { MAX_OUTPUT_PIXELS } from './common';
import { ImageOptionsSchema, imageOutputBox } from './image';
import { VideoOptionsSchema } from './video';

describe('imageOutputBox', () => {
  it.each([
    [
      { width: 640, height: 480 },
      { width: 640, height: 480 },
    ],
    [
      { width: 640, height: 480, fit: 'cover' as const },
      { width: 640, height: 480 },
    ],
    [
      { width: 640, height: 480, fit: 'contain' as const },
      { width: 640, height: 480 },
    ],
    [
      { width: 640, height: 480, fit: 'fill' as const },
      { width: 640, height: 480 },
    ],
    [{ width: 640, height: 480, fit: 'inside' as const }, null],
    [{ width: 640, height: 480, fit: 'outside' as const }, null],
    [{ width: 640 }, null],
    [{ height: 480, fit: 'fill' as const }, null],
    [{}, null],
  ])('%j makes %j whatever the input', (options, box) => {
    expect(imageOutputBox(options)).toEqual(box);
  });
});

describe('the image output pixel limit', () => {
  it('takes a box of exactly MAX_OUTPUT_PIXELS', () => {
    expect(MAX_OUTPUT_PIXELS).toBe(10_000 * 10_000);
    expect(
      ImageOptionsSchema.safeParse({ width: 10_000, height: 10_000, fit: 'fill' }).success,
    ).toBe(true);
  });

  it.each(['cover', 'contain', 'fill', undefined])(
    'refuses a box past it with fit %s, at height, naming the limit',
    (fit) => {
      const result = ImageOptionsSchema.safeParse({ width: 10_000, height: 10_001, fit });
      expect(result.success).toBe(false);
      expect(result.error?.issues).toEqual([
        expect.objectContaining({
          path: ['height'],
          message:
            '10000 × 10001 is 100010000 pixels: an output may have at most 100000000 (width × height)',
        }),
      ]);
    },
  );

  it.each(['inside', 'outside'])('takes any box with fit %s, which never enlarges', (fit) => {
    expect(ImageOptionsSchema.safeParse({ width: 16384, height: 16384, fit }).success).toBe(true);
  });

  it("is in the reference of the image kind's fit", () => {
    const schema = z.toJSONSchema(ImageOptionsSchema, { io: 'input' }) as unknown as {
      properties: { fit: { description: string } };
    };
    expect(schema.properties.fit.description).toContain(`at most ${MAX_OUTPUT_PIXELS} pixels`);
  });
});

describe('the video output size', () => {
  // The video kind has no check of its own because its bounds cannot pass
  // the limit; raising them past it needs the image kind's check.
  it('cannot ask for more than MAX_OUTPUT_PIXELS with the largest width and height', () => {
    const schema = z.toJSONSchema(VideoOptionsSchema, { io: 'input' }) as unknown as {
      properties: Record<'width' | 'height', { maximum: number }>;
    };
    const { width, height } = schema.properties;
    expect(width.maximum * height.maximum).toBeLessThanOrEqual(MAX_OUTPUT_PIXELS);
  });
});
