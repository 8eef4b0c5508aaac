import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import type { ImageService } from './image.service';

/** The `image` kind's handler: reads the dispatch, lets the service make the file. */
export function imageHandler(service: ImageService): KindTaskHandler<'image'> {
  // Options the validation now refuses (an automation saved before it, an output past
  // MAX_OUTPUT_PIXELS) fail at once and for good, as the API would answer, not after rendering.
  return defineTaskHandler('image', { invalidOptions: 'validation_failed' }, async (context) => {
    const { task, input, inputPath, options, workDir, signal } = context;
    const file = await service.make({
      input: { path: inputPath, kind: input.kind, duration: input.duration },
      options,
      ref: task.ref,
      workDir,
      signal,
    });
    return { file };
  });
}
