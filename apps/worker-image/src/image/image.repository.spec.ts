import { statSync } from 'node:fs';
import sharp from 'sharp';
import { Fixtures } from '@mediaflow/testing';
import { imagePlan, type ImageOptions } from './image-plan';
import { ImageRepository, sharpThreads } from './image.repository';

describe('ImageRepository (real sharp, renders short enough to run in the worker)', () => {
  const fixtures = new Fixtures();
  const running = new AbortController().signal;
  const images = new ImageRepository(100_000_000);
  let photo: string;
  let alpha: string;

  beforeAll(async () => {
    photo = await fixtures.jpeg('photo.jpg', 4000, 3000);
    alpha = await fixtures.pngWithAlpha('alpha.png', 800, 600);
  });
  afterAll(() => fixtures.remove());

  async function render(input: string, options: ImageOptions, out: string) {
    const header = await images.inspect(input);
    const plan = imagePlan(options, { kind: 'image', format: header.format }, null);
    const output = fixtures.path(out);
    await images.render(input, output, plan, running);
    return { output, metadata: await sharp(output).metadata() };
  }

  it('reads the header of what it can decode', async () => {
    expect(await images.inspect(photo)).toEqual({ format: 'jpeg', width: 4000, height: 3000 });
    expect(await images.inspect(alpha)).toEqual({ format: 'png', width: 800, height: 600 });
  });

  it('tells AVIF apart from other HEIF images', async () => {
    const { output } = await render(alpha, { format: 'avif', width: 100 }, 'small.avif');
    expect((await sharp(output).metadata()).format).toBe('heif');
    expect((await images.inspect(output)).format).toBe('avif');
  });

  it('applies the EXIF orientation before resizing', async () => {
    // Orientation 6: stored landscape, shown portrait.
    const rotated = await fixtures.jpeg('rotated.jpg', 400, 300, 6);
    const { metadata } = await render(rotated, { width: 150 }, 'rotated-out.jpg');
    expect([metadata.width, metadata.height]).toEqual([150, 200]);
    expect(metadata.orientation).toBeUndefined();
  });

  it('pads contain with the background colour', async () => {
    const { output } = await render(
      photo,
      { width: 400, height: 400, fit: 'contain', background: '#00ff00', format: 'png' },
      'padded.png',
    );
    const { data, info } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([400, 400]);
    // 4:3 in a square: bands above and below; the top-left pixel is padding.
    expect([...data.subarray(0, 3)]).toEqual([0, 255, 0]);
  });

  it('fails input_unreadable on a truncated JPEG, which decodes its header but not its pixels', async () => {
    const truncated = fixtures.truncated('truncated.jpg', photo);
    expect(await images.inspect(truncated)).toMatchObject({ width: 4000, height: 3000 });
    await expect(
      images.render(
        truncated,
        fixtures.path('t.jpg'),
        imagePlan({ width: 100 }, { kind: 'image', format: 'jpeg' }, null),
        running,
      ),
    ).rejects.toMatchObject({
      code: 'input_unreadable',
      message: expect.stringContaining('premature end of JPEG'),
    });
  });

  it('fails input_unreadable, not internal, on a PNG whose header is sound and whose data is damaged', async () => {
    // libvips reports the PNG encoder's "unable to write to target" after the read error.
    const png = fixtures.bytes('alpha.png');
    const damaged = Buffer.from(png);
    damaged.fill(0xa5, Math.floor(png.length / 2), Math.floor(png.length / 2) + 64);
    const input = fixtures.write('damaged.png', damaged);
    expect(await images.inspect(input)).toEqual({ format: 'png', width: 800, height: 600 });
    await expect(
      images.render(
        input,
        fixtures.path('d.png'),
        imagePlan({ width: 100 }, { kind: 'image', format: 'png' }, null),
        running,
      ),
    ).rejects.toMatchObject({
      code: 'input_unreadable',
      message: 'The image cannot be read: vipspng: libpng read error',
    });
  });

  it('fails input_unreadable on zero bytes and on text', async () => {
    await expect(images.inspect(fixtures.write('empty.jpg', ''))).rejects.toMatchObject({
      code: 'input_unreadable',
    });
    await expect(
      images.inspect(fixtures.write('notes.txt', 'not an image\n'.repeat(50))),
    ).rejects.toMatchObject({
      code: 'input_unreadable',
      message: 'The image cannot be read: unsupported image format',
    });
  });

  it('refuses a decompression bomb from its header, input_too_large, and keeps working', async () => {
    const bomb = fixtures.pngBomb('bomb.png');
    expect(statSync(bomb).size).toBeLessThan(200_000);
    await expect(images.inspect(bomb)).rejects.toMatchObject({ code: 'input_too_large' });
    await expect(
      images.render(
        bomb,
        fixtures.path('b.png'),
        imagePlan({}, { kind: 'image', format: 'png' }, null),
        running,
      ),
    ).rejects.toMatchObject({
      code: 'input_too_large',
    });
    // Under a limit it fits, the same kind of file decodes: the refusal was the limit's.
    const small = fixtures.pngBomb('small-bomb.png', 300, 200);
    expect(await images.inspect(small)).toEqual({ format: 'png', width: 300, height: 200 });
    expect((await render(photo, { width: 10 }, 'after.jpg')).metadata.width).toBe(10);
  });

  it('fails internal, not the input, when the output cannot be written', async () => {
    await expect(
      images.render(
        photo,
        '/nonexistent-dir/out.jpg',
        imagePlan({}, { kind: 'image', format: 'jpeg' }, null),
        running,
      ),
    ).rejects.toMatchObject({
      code: 'internal',
    });
  });
});

describe('sharpThreads', () => {
  it.each([
    // images at once, cores, libuv pool → threads per image
    [16, 2, 4, 1],
    [16, 16, 4, 4],
    [2, 8, 4, 4],
    [1, 8, 4, 8],
    [32, 8, 16, 1],
    [3, 2, 4, 1],
  ])(
    '%i images at once on %i cores, a pool of %i: %i threads each',
    (images, cores, pool, threads) => {
      expect(sharpThreads(images, cores, pool)).toBe(threads);
    },
  );
});
