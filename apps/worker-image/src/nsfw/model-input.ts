import { MediaflowError } from '@mediaflow/contracts';
import { openImage, sharpDecodeError } from '@mediaflow/media';

/** A picture as the model reads it: `size`×`size` pixels of 8-bit RGB, row by row. */
export interface ModelInput {
  size: number;
  pixels: Uint8Array;
}

/**
 * Decodes an image (or a sampled frame) into the model's input, with sharp:
 * under the worker's pixel limit (a decompression bomb is refused from its
 * header, before any pixel is allocated), failing on corrupt or truncated
 * data instead of painting grey, upright by its EXIF orientation, flattened
 * on white, and squashed to a square, as nsfwjs resizes what it is given.
 */
export async function decodeModelInput(
  file: string,
  size: number,
  maxInputPixels: number,
): Promise<ModelInput> {
  try {
    const { data, info } = await openImage(file, maxInputPixels)
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== size || info.height !== size) {
      throw new MediaflowError(
        'internal',
        `The image decoded to ${info.width}×${info.height}×${info.channels}, not ${size}×${size}×3`,
      );
    }
    return { size, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw sharpDecodeError(error);
  }
}
