import { MediaflowError, NsfwOptionsSchema } from '@mediaflow/contracts';
import type { TaskHandler } from '@mediaflow/worker-kit';
import type { NsfwService } from './nsfw.service';

/** The `nsfw` kind's handler: reads the dispatch, lets the service classify, returns the data. */
export function nsfwHandler(service: NsfwService): TaskHandler {
  return async ({ task, inputPath, workDir, signal, progress }) => {
    if (!task.input || !inputPath)
      throw new MediaflowError('internal', 'An nsfw task came without an input file');
    // Validated at submission; parsed again as every message is on arrival.
    const parsed = NsfwOptionsSchema.safeParse(task.options);
    if (!parsed.success)
      throw new MediaflowError(
        'internal',
        `The nsfw task's options are invalid: ${parsed.error.message}`,
      );
    const result = await service.classify({
      input: { path: inputPath, kind: task.input.kind, duration: task.input.duration },
      options: parsed.data,
      workDir,
      signal,
      progress,
    });
    return { data: { ...result } };
  };
}
