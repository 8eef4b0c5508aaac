import { openImage, sharpDecodeError, sharpRenderError } from '@mediaflow/media';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { renderImage, type RenderJob } from './image-pipeline';
import type { ImagePlan } from './image-plan';
import { RENDER_APART_SECONDS, renderSeconds } from './render-cost';
import { RENDER_PROCESS_MAIN, renderInChildProcess } from './render-process';
import { RenderSlots } from './render-slots';

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

/**
 * Runs sharp: every decode under the pixel limit (a decompression bomb is
 * refused from its header, before any pixel is allocated) and failing on
 * corrupt or truncated data instead of painting grey.
 */
export class ImageRepository {
  /** Render processes at once: as many as sharp calls here (libuv's pool). */
  private readonly renderSlots = new RenderSlots(Number(process.env.UV_THREADPOOL_SIZE) || 4);

  constructor(
    private readonly maxInputPixels: number,
    /** The render process's entry; a test from src gives the built one. */
    private readonly renderProcessMain = RENDER_PROCESS_MAIN,
  ) {}

  /** The header: enough to plan, and to refuse what cannot be decoded. */
  async inspect(input: string): Promise<ImageHeader> {
    let metadata: sharp.Metadata;
    try {
      metadata = await openImage(input, this.maxInputPixels).metadata();
    } catch (error) {
      throw sharpDecodeError(error);
    }
    const format =
      metadata.format === 'heif' && metadata.compression === 'av1'
        ? 'avif'
        : (metadata.format ?? null);
    return { format, width: metadata.width ?? 0, height: metadata.height ?? 0 };
  }

  /**
   * Decodes `input`, applies the plan (EXIF orientation first) and encodes
   * it to `output`. A render expected to take longer than
   * RENDER_APART_SECONDS runs in a process of its own, which `signal` kills
   * (render-process.ts); a shorter one here, which `signal` cannot stop.
   */
  async render(input: string, output: string, plan: ImagePlan, signal: AbortSignal): Promise<void> {
    const job: RenderJob = { input, output, plan, maxInputPixels: this.maxInputPixels };
    if (renderSeconds(await this.inspect(input), plan) > RENDER_APART_SECONDS) {
      const release = await this.renderSlots.take(signal);
      try {
        await renderInChildProcess(
          { ...job, threads: sharp.concurrency() },
          signal,
          this.renderProcessMain,
        );
      } finally {
        release();
      }
      return;
    }
    try {
      await renderImage(job);
    } catch (error) {
      throw sharpRenderError(error);
    }
  }
}
