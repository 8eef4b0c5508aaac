import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import type { SubtitlesService } from './subtitles.service';

/** The `subtitles` kind's handler: reads the dispatch, lets the service make the track file. */
export function subtitlesHandler(service: SubtitlesService): KindTaskHandler<'subtitles'> {
  return defineTaskHandler('subtitles', async (context) => {
    const { task, input, inputPath, options, workDir, signal, progress } = context;
    const file = await service.make({
      input: {
        path: inputPath,
        filename: input.filename,
        kind: input.kind,
        hasAudio: input.has_audio,
        duration: input.duration,
      },
      options,
      ref: task.ref,
      workDir,
      signal,
      progress,
    });
    return { file };
  });
}
