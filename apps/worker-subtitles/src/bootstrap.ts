import { startWorker, type RunningWorker, type StartWorkerOptions } from '@mediaflow/worker-kit';
import type { SubtitlesWorkerConfig } from './config';
import { subtitlesHandlers } from './handlers';

export const SUBTITLES_WORKER_SERVICE = 'worker-subtitles';

export type StartSubtitlesWorkerOptions = Pick<
  StartWorkerOptions,
  'transport' | 'storage' | 'bus' | 'shutdownHooks'
>;

/** Starts the subtitles worker: the `subtitles` queue (speech, subtitles), and HTTP for /health, /ready and /metrics. */
export function startSubtitlesWorker(
  config: SubtitlesWorkerConfig,
  options: StartSubtitlesWorkerOptions = {},
): Promise<RunningWorker> {
  return startWorker({
    ...options,
    service: SUBTITLES_WORKER_SERVICE,
    handlers: subtitlesHandlers(config),
    config,
  });
}
