import { defineTaskHandler, type KindTaskHandler } from '@mediaflow/worker-kit';
import type { NsfwService } from './nsfw.service';

/** The `nsfw` kind's handler: reads the dispatch, lets the service classify, returns the data. */
export function nsfwHandler(service: NsfwService): KindTaskHandler<'nsfw'> {
  return defineTaskHandler('nsfw', async (context) => {
    const { input, inputPath, options, workDir, signal, progress } = context;
    const result = await service.classify({
      input: { path: inputPath, kind: input.kind, duration: input.duration },
      options,
      workDir,
      signal,
      progress,
    });
    return { data: { ...result } };
  });
}
