import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import type { SpeechService } from './speech.service';

/** The `speech` kind's handler: reads the dispatch, lets the service transcribe, returns the transcript as data. */
export function speechHandler(service: SpeechService): KindTaskHandler<'speech'> {
  return defineTaskHandler('speech', async (context) => {
    const { input, inputPath, options, workDir, signal, progress } = context;
    const transcript = await service.transcript({
      input: {
        path: inputPath,
        kind: input.kind,
        hasAudio: input.has_audio,
        duration: input.duration,
      },
      options,
      workDir,
      signal,
      progress,
    });
    progress(100);
    const { language, text, segments, provider } = transcript;
    return { data: { language, text, segments, provider } };
  });
}
