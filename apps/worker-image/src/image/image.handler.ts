import { ImageOptionsSchema, MediaflowError } from '@mediaflow/contracts';
import type { TaskHandler } from '@mediaflow/worker-kit';
import type { ImageService } from './image.service';

/** The `image` kind's handler: reads the dispatch, lets the service make the file. */
export function imageHandler(service: ImageService): TaskHandler {
  return async ({ task, inputPath, workDir, signal }) => {
    if (!task.input || !inputPath)
      throw new MediaflowError('internal', 'An image task came without an input file');
    // Validated at submission; parsed again as every message is on arrival.
    const parsed = ImageOptionsSchema.safeParse(task.options);
    if (!parsed.success)
      throw new MediaflowError(
        'internal',
        `The image task's options are invalid: ${parsed.error.message}`,
      );
    const file = await service.make({
      input: { path: inputPath, kind: task.input.kind, duration: task.input.duration },
      options: parsed.data,
      ref: task.ref,
      workDir,
      signal,
    });
    return { file };
  };
}
