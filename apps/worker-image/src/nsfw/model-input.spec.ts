import { Fixtures } from '@mediaflow/testing';
import sharp from 'sharp';
import { decodeModelInput } from './model-input';

/** The RGB of the pixel at (x, y). */
const pixel = ({ size, pixels }: { size: number; pixels: Uint8Array }, x: number, y: number) =>
  Array.from(pixels.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));

describe('decodeModelInput (real sharp)', () => {
  const fixtures = new Fixtures();
  afterAll(() => fixtures.remove());

  it('squashes any picture to the model square of 8-bit RGB', async () => {
    const photo = await fixtures.jpeg('wide.jpg', 1600, 400);
    const input = await decodeModelInput(photo, 224, 100_000_000);
    expect(input.size).toBe(224);
    expect(input.pixels).toHaveLength(224 * 224 * 3);
  });

  it('flattens transparency on white and makes grey RGB', async () => {
    // Left half opaque red, right half transparent.
    const alpha = await fixtures.pngWithAlpha('alpha.png', 400, 300);
    const input = await decodeModelInput(alpha, 224, 100_000_000);
    expect(pixel(input, 20, 100)).toEqual([220, 40, 40]);
    expect(pixel(input, 200, 100)).toEqual([255, 255, 255]);

    const grey = fixtures.path('grey.png');
    await sharp(Buffer.alloc(50 * 50, 128), { raw: { width: 50, height: 50, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(grey);
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect(pixel(await decodeModelInput(grey, 224, 100_000_000), 10, 10)).toEqual([128, 128, 128]);
  });

  it('turns the picture upright by its EXIF orientation first', async () => {
    // Orientation 6: stored landscape, shown portrait, so the stored top edge is on the right.
    const stored = fixtures.path('marked.jpg');
    const topBand = await sharp({
      create: { width: 400, height: 60, channels: 3, background: '#000000' },
    })
      .png()
      .toBuffer();
    await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ffffff' } })
      .composite([{ input: topBand, left: 0, top: 0 }])
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toFile(stored);
    const input = await decodeModelInput(stored, 224, 100_000_000);
    expect(pixel(input, 220, 112).every((c) => c < 40)).toBe(true);
    expect(pixel(input, 112, 5).every((c) => c > 215)).toBe(true);
  });

  it('fails a truncated image with input_unreadable', async () => {
    await fixtures.jpeg('whole.jpg', 1200, 900);
    await expect(
      decodeModelInput(fixtures.truncated('half.jpg', 'whole.jpg'), 224, 100_000_000),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
    await expect(
      decodeModelInput(fixtures.write('text.png', 'not an image'), 224, 100_000_000),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
  });

  it('refuses a decompression bomb from its header with input_too_large', async () => {
    await expect(
      decodeModelInput(fixtures.pngBomb('bomb.png'), 224, 100_000_000),
    ).rejects.toMatchObject({
      code: 'input_too_large',
      message: expect.stringContaining('MEDIAFLOW_MAX_INPUT_PIXELS'),
    });
    // The limit is the worker's: a small image over a small limit is refused too.
    const photo = await fixtures.jpeg('photo.jpg', 400, 300);
    await expect(decodeModelInput(photo, 224, 100_000)).rejects.toMatchObject({
      code: 'input_too_large',
    });
  });
});
