import { MediaflowError } from '@mediaflow/contracts';
import { openImage, sharpDecodeError } from '@mediaflow/media';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import type { ImagePlan } from './image-plan';

export interface ImageHeader {
  /** As planning names formats: AVIF is told apart from the other HEIF flavours. */
  format: string | null;
  width: number;
  height: number;
}

/**
 * Threads libvips may use per image, so that the images decoded at once
 * share the cores instead of each taking every one: sharp works on libuv's
 * thread pool (UV_THREADPOOL_SIZE, 4 unless set), so at most that many images
 * are worked on at once however many tasks wait, each with this many threads.
 * 16 image tasks on 2 cores: 4 images at once, 1 thread each; on 16 cores,
 * 4 threads each.
 */
export function sharpThreads(
  imagesAtOnce: number,
  cores: number,
  threadPool = Number(process.env.UV_THREADPOOL_SIZE) || 4,
): number {
  return Math.max(1, Math.floor(cores / Math.min(imagesAtOnce, threadPool)));
}

/**
 * Shares the cores among the images the worker decodes at once (its `image`
 * and `nsfw` tasks); and no operation cache, which only holds memory when
 * every task reads a different file.
 */
export function configureSharp(imagesAtOnce: number): void {
  sharp.concurrency(sharpThreads(imagesAtOnce, availableParallelism()));
  sharp.cache(false);
}

/** What a sharp failure means for the task; a failed write is ours, not the input's. */
function imageError(error: unknown): MediaflowError {
  const message = (error as Error)?.message ?? String(error);
  if (/write|target/i.test(message) && !/pixel limit/i.test(message))
    return new MediaflowError('internal', `The image could not be written: ${message}`);
  return sharpDecodeError(error);
}

/**
 * Runs sharp: every decode under the pixel limit (a decompression bomb is
 * refused from its header, before any pixel is allocated) and failing on
 * corrupt or truncated data instead of painting grey.
 */
export class ImageRepository {
  constructor(private readonly maxInputPixels: number) {}

  private open(input: string): sharp.Sharp {
    return openImage(input, this.maxInputPixels);
  }

  /** The header: enough to plan, and to refuse what cannot be decoded. */
  async inspect(input: string): Promise<ImageHeader> {
    let metadata: sharp.Metadata;
    try {
      metadata = await this.open(input).metadata();
    } catch (error) {
      throw imageError(error);
    }
    const format =
      metadata.format === 'heif' && metadata.compression === 'av1'
        ? 'avif'
        : (metadata.format ?? null);
    return { format, width: metadata.width ?? 0, height: metadata.height ?? 0 };
  }

  /** Decodes `input`, applies the plan (EXIF orientation first) and encodes it to `output`. */
  async render(input: string, output: string, plan: ImagePlan): Promise<void> {
    let image = this.open(input).rotate();
    if (plan.resize) {
      const { width, height, fit, withoutEnlargement, background } = plan.resize;
      image = image.resize({
        width: width ?? undefined,
        height: height ?? undefined,
        fit,
        withoutEnlargement,
        background,
      });
    }
    if (plan.flatten) image = image.flatten({ background: plan.flatten });
    const quality = plan.quality ?? undefined;
    switch (plan.format) {
      case 'jpeg':
        image = image.jpeg({ quality });
        break;
      case 'png':
        image = image.png();
        break;
      case 'webp':
        image = image.webp({ quality });
        break;
      case 'avif':
        image = image.avif({ quality });
        break;
    }
    try {
      await image.toFile(output);
    } catch (error) {
      throw imageError(error);
    }
  }
}
