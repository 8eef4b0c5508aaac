import { MediaflowError } from '@mediaflow/contracts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { sharpDecodeError, sharpRenderError } from './sharp-errors';

describe('sharpDecodeError', () => {
  it('calls an image over the pixel limit input_too_large', async () => {
    const big = await sharp({
      create: { width: 200, height: 200, channels: 3, background: '#000' },
    })
      .png()
      .toBuffer();
    const error = await sharp(big, { limitInputPixels: 100 }).toBuffer().catch(sharpDecodeError);
    expect(error).toMatchObject({ code: 'input_too_large' });
  });

  it('calls bytes no decoder reads input_unreadable, quoting the first line of the reason', async () => {
    const error = await sharp(Buffer.from('not an image at all'))
      .toBuffer()
      .catch(sharpDecodeError);
    expect(error).toMatchObject({ code: 'input_unreadable' });
    expect((error as MediaflowError).message).toMatch(/^The image cannot be read: [^\n]+$/);
  });

  it('passes a MediaflowError through as it is', () => {
    const own = new MediaflowError('cancelled', 'stopped');
    expect(sharpDecodeError(own)).toBe(own);
  });
});

describe('sharpRenderError', () => {
  // Messages sharp 0.35 gave rendering real files: damaged ones (truncated, bits flipped,
  // bytes overwritten after an intact header) to their own format, and sound ones to
  // places that cannot be written.
  it.each([
    [
      'a PNG with damaged data, to PNG',
      'vipspng: libpng read error\nvips2png: unable to write to target /work/output.png',
      'input_unreadable',
    ],
    [
      'a truncated JPEG, to PNG',
      'VipsJpeg: premature end of JPEG image\nvips2png: unable to write to target /work/output.png',
      'input_unreadable',
    ],
    ['a PNG with damaged data, to JPEG', 'vipspng: libpng read error', 'input_unreadable'],
    ['a PNG with a damaged header', 'Input file has corrupt header:', 'input_unreadable'],
    [
      'a JPEG with a damaged table',
      'Input file has corrupt header: VipsJpeg: Bogus Huffman table definition\nVipsJpeg: Bogus Huffman table definition',
      'input_unreadable',
    ],
    ['a picture over the pixel limit', 'Input image exceeds pixel limit', 'input_too_large'],
    [
      'a missing directory',
      '/work/gone/output.png: unable to open for write\nsystem error: No such file or directory\n/work/gone/output.png: write error\nsystem error: No such file or directory',
      'internal',
    ],
    [
      'a full disk',
      '/work/output.jpg: write error\nsystem error: No space left on device',
      'internal',
    ],
  ])('blames the first failure: %s', (_name, message, code) => {
    expect(sharpRenderError(new Error(message)).code).toBe(code);
  });

  it('calls a PNG whose data is damaged, rendered to PNG, input_unreadable', async () => {
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 40 };
    const create = { width: 120, height: 90, channels: 3 as const, background: '#808080', noise };
    const png = await sharp({ create }).png().toBuffer();
    // The signature and IHDR (33 bytes) intact; 64 bytes of the pixel data overwritten.
    const damaged = Buffer.from(png);
    damaged.fill(0xa5, Math.floor(png.length / 2), Math.floor(png.length / 2) + 64);
    const error = await sharp(damaged, { failOn: 'error' })
      .resize({ width: 60 })
      .png()
      .toFile(path.join(tmpdir(), `sharp-render-error-${process.pid}.png`))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The encoder's complaint comes second: what the classifier must see past.
    expect((error as Error).message).toMatch(
      /^vipspng: libpng read error\n.*unable to write to target/,
    );
    expect(sharpRenderError(error)).toMatchObject({ code: 'input_unreadable' });
  });

  it('passes a MediaflowError through as it is', () => {
    const own = new MediaflowError('cancelled', 'stopped');
    expect(sharpRenderError(own)).toBe(own);
  });
});
