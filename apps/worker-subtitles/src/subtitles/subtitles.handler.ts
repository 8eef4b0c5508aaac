import { MediaflowError, SubtitlesOptionsSchema } from '@mediaflow/contracts';
import type { TaskHandler } from '@mediaflow/worker-kit';
import type { SubtitlesService } from './subtitles.service';

/** The `subtitles` kind's handler: reads the dispatch, lets the service make the track file. */
export function subtitlesHandler(service: SubtitlesService): TaskHandler {
  return async ({ task, inputPath, workDir, signal, progress }) => {
    if (!task.input || !inputPath)
      throw new MediaflowError('internal', 'A subtitles task came without an input file');
    // Validated at submission; parsed again as every message is on arrival.
    const parsed = SubtitlesOptionsSchema.safeParse(task.options);
    if (!parsed.success)
      throw new MediaflowError(
        'internal',
        `The subtitles task's options are invalid: ${parsed.error.message}`,
      );
    const file = await service.make({
      input: {
        path: inputPath,
        filename: task.input.filename,
        kind: task.input.kind,
        hasAudio: task.input.has_audio,
        duration: task.input.duration,
      },
      options: parsed.data,
      ref: task.ref,
      workDir,
      signal,
      progress,
    });
    return { file };
  };
}
