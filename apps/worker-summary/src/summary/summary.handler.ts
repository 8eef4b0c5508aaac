import { MediaflowError, SummaryOptionsSchema } from '@mediaflow/contracts';
import type { TaskHandler } from '@mediaflow/worker-kit';
import type { SummaryService } from './summary.service';

/** The `summary` kind's handler: reads the dispatch, lets the service summarise, returns the data. */
export function summaryHandler(service: SummaryService): TaskHandler {
  return async ({ task, inputPath, workDir, signal, progress }) => {
    if (!task.input || !inputPath)
      throw new MediaflowError('internal', 'A summary task came without an input file');
    // Validated at submission; parsed again as every message is on arrival.
    const parsed = SummaryOptionsSchema.safeParse(task.options);
    if (!parsed.success)
      throw new MediaflowError(
        'internal',
        `The summary task's options are invalid: ${parsed.error.message}`,
      );
    const result = await service.summarise({
      input: {
        path: inputPath,
        kind: task.input.kind,
        hasAudio: task.input.has_audio,
        language: task.input.language,
        duration: task.input.duration,
      },
      options: parsed.data,
      workDir,
      signal,
      progress,
    });
    return { data: { ...result } };
  };
}
