import { MediaflowError } from '@mediaflow/contracts';
import { openImage, sharpDecodeError } from '@mediaflow/media';
import type sharp from 'sharp';
import { dominantColours, transparentShare } from './colour-names';
import type { ImageMeasurements } from './image-description';

/** The colours are counted on a thumbnail this big: plenty to tell what covers a tenth of a picture. */
const COLOUR_SAMPLE_PX = 96;
/** Vision models see pictures at most this big (OpenAI's high detail works on 768–2048 px tiles). */
export const VISION_MAX_PX = 1024;

/**
 * Runs sharp on the task's picture: every decode under the pixel limit (a
 * decompression bomb is refused from its header), failing on corrupt data
 * instead of painting grey, upright by its EXIF orientation.
 */
export class ImageRepository {
  constructor(private readonly maxInputPixels: number) {}

  private open(file: string): sharp.Sharp {
    return openImage(file, this.maxInputPixels);
  }

  /** Size, format, frames, transparency and colours. */
  async measure(file: string): Promise<ImageMeasurements> {
    try {
      const metadata = await this.open(file).metadata();
      const { data, info } = await this.open(file)
        .autoOrient()
        .resize(COLOUR_SAMPLE_PX, COLOUR_SAMPLE_PX, { fit: 'inside' })
        .toColourspace('srgb')
        .ensureAlpha()
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (info.channels !== 4)
        throw new MediaflowError(
          'internal',
          `The picture decoded to ${info.channels} channels, not 4`,
        );
      const heifFormat =
        metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : null;
      return {
        width: metadata.autoOrient.width,
        height: metadata.autoOrient.height,
        format: heifFormat ?? metadata.format ?? null,
        pages: metadata.pages ?? 1,
        transparent: transparentShare(pixels, 4),
        colours: dominantColours(pixels, 4),
      };
    } catch (error) {
      throw sharpDecodeError(error);
    }
  }

  /** The picture as a vision model gets it: a JPEG of at most 1024 px, upright, on white. */
  async visionJpeg(file: string): Promise<Buffer> {
    try {
      return await this.open(file)
        .autoOrient()
        .resize(VISION_MAX_PX, VISION_MAX_PX, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: 85 })
        .toBuffer();
    } catch (error) {
      throw sharpDecodeError(error);
    }
  }
}
