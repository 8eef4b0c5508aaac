import {
  kindConcurrency,
  startWorker,
  type RunningWorker,
  type StartWorkerOptions,
} from '@mediaflow/worker-kit';
import type { ImageWorkerConfig } from './config';
import { imageHandlers } from './handlers';
import { configureSharp } from './image/image.repository';

export const IMAGE_WORKER_SERVICE = 'worker-image';

export type StartImageWorkerOptions = Pick<
  StartWorkerOptions,
  'transport' | 'storage' | 'bus' | 'shutdownHooks'
>;

/** Starts the image worker: the `image` queue, and HTTP for /health, /ready and /metrics. */
export function startImageWorker(
  config: ImageWorkerConfig,
  options: StartImageWorkerOptions = {},
): Promise<RunningWorker> {
  // Both decode with sharp.
  configureSharp(kindConcurrency(config, 'image') + kindConcurrency(config, 'nsfw'));
  return startWorker({
    ...options,
    service: IMAGE_WORKER_SERVICE,
    handlers: imageHandlers(config),
    config,
  });
}
