import { startWorker, type RunningWorker, type StartWorkerOptions } from '@mediaflow/worker-kit';
import type { VideoWorkerConfig } from './config';
import { videoHandlers } from './handlers';

export const VIDEO_WORKER_SERVICE = 'worker-video';

export type StartVideoWorkerOptions = Pick<
  StartWorkerOptions,
  'transport' | 'storage' | 'bus' | 'shutdownHooks'
>;

/** Starts the video worker: its kinds' queues, and HTTP for /health, /ready and /metrics. */
export function startVideoWorker(
  config: VideoWorkerConfig,
  options: StartVideoWorkerOptions = {},
): Promise<RunningWorker> {
  return startWorker({
    ...options,
    service: VIDEO_WORKER_SERVICE,
    handlers: videoHandlers(config),
    config,
  });
}
