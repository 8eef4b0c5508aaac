import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import type { SummaryService } from './summary.service';

/** The `summary` kind's handler: reads the dispatch, lets the service summarise, returns the data. */
export function summaryHandler(service: SummaryService): KindTaskHandler<'summary'> {
  return defineTaskHandler('summary', async (context) => {
    const { input, inputPath, options, workDir, signal, progress } = context;
    const result = await service.summarise({
      input: {
        path: inputPath,
        kind: input.kind,
        hasAudio: input.has_audio,
        language: input.language,
        duration: input.duration,
      },
      options,
      workDir,
      signal,
      progress,
    });
    return { data: { ...result } };
  });
}
