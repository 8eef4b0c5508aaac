import { startWorker, type RunningWorker, type StartWorkerOptions } from '@mediaflow/worker-kit';
import type { SummaryWorkerConfig } from './config';
import { summaryHandlers } from './handlers';

export const SUMMARY_WORKER_SERVICE = 'worker-summary';

export type StartSummaryWorkerOptions = Pick<
  StartWorkerOptions,
  'transport' | 'storage' | 'bus' | 'shutdownHooks'
>;

/** Starts the summary worker: the `summary` queue, and HTTP for /health, /ready and /metrics. */
export function startSummaryWorker(
  config: SummaryWorkerConfig,
  options: StartSummaryWorkerOptions = {},
): Promise<RunningWorker> {
  return startWorker({
    ...options,
    service: SUMMARY_WORKER_SERVICE,
    handlers: summaryHandlers(config),
    config,
  });
}
