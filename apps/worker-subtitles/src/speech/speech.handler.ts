import { MediaflowError, SpeechOptionsSchema } from '@mediaflow/contracts';
import type { TaskHandler } from '@mediaflow/worker-kit';
import type { SpeechService } from './speech.service';

/** The `speech` kind's handler: reads the dispatch, lets the service transcribe, returns the transcript as data. */
export function speechHandler(service: SpeechService): TaskHandler {
  return async ({ task, inputPath, workDir, signal, progress }) => {
    if (!task.input || !inputPath)
      throw new MediaflowError('internal', 'A speech task came without an input file');
    // Validated at submission; parsed again as every message is on arrival.
    const parsed = SpeechOptionsSchema.safeParse(task.options);
    if (!parsed.success)
      throw new MediaflowError(
        'internal',
        `The speech task's options are invalid: ${parsed.error.message}`,
      );
    const transcript = await service.transcript({
      input: {
        path: inputPath,
        kind: task.input.kind,
        hasAudio: task.input.has_audio,
        duration: task.input.duration,
      },
      options: parsed.data,
      workDir,
      signal,
      progress,
    });
    progress(100);
    const { language, text, segments, provider } = transcript;
    return { data: { language, text, segments, provider } };
  };
}
