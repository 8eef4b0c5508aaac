import { MediaflowError, ThumbnailsOptionsSchema } from '@mediaflow/contracts';
import type { TaskHandler } from '@mediaflow/worker-kit';
import { makeThumbnails } from './thumbnails.service';

export interface ThumbnailsSettings {
  /** Images larger than this are `input_too_large` when the input is probed (MEDIAFLOW_MAX_INPUT_PIXELS). */
  maxInputPixels: number;
}

/** The `thumbnails` kind's handler: reads the dispatch, lets the service make the track and sprite. */
export function thumbnailsHandler(settings: ThumbnailsSettings): TaskHandler {
  return async ({ task, inputPath, workDir, signal, progress }) => {
    if (!task.input || !inputPath)
      throw new MediaflowError('internal', 'A thumbnails task came without an input file');
    // Validated at submission; parsed again as every message is on arrival.
    const parsed = ThumbnailsOptionsSchema.safeParse(task.options);
    if (!parsed.success)
      throw new MediaflowError(
        'internal',
        `The thumbnails task's options are invalid: ${parsed.error.message}`,
      );
    return makeThumbnails({
      inputPath,
      options: parsed.data,
      ref: task.ref,
      workDir,
      signal,
      progress,
      maxInputPixels: settings.maxInputPixels,
    });
  };
}
