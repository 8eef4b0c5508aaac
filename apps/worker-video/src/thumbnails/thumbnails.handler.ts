import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import { makeThumbnails } from './thumbnails.service';

export interface ThumbnailsSettings {
  /** Images larger than this are `input_too_large` when the input is probed (MEDIAFLOW_MAX_INPUT_PIXELS). */
  maxInputPixels: number;
}

/** The `thumbnails` kind's handler: reads the dispatch, lets the service make the track and sprite. */
export function thumbnailsHandler(settings: ThumbnailsSettings): KindTaskHandler<'thumbnails'> {
  return defineTaskHandler('thumbnails', (context) => {
    const { task, inputPath, options, workDir, signal, progress } = context;
    return makeThumbnails({
      inputPath,
      options,
      ref: task.ref,
      workDir,
      signal,
      progress,
      maxInputPixels: settings.maxInputPixels,
    });
  });
}
