import { MediaflowError } from '@mediaflow/contracts';
import sharp from 'sharp';
import { sharpDecodeError } from './sharp-errors';

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
