import type { TaskHandlers } from '@mediaflow/worker-kit';
import type { VideoWorkerConfig } from './config';
import { ingestHandler } from './ingest/ingest.handler';

/** Connecting and receiving the headers, per hop: a server that says nothing for this long is down. */
const HEADERS_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

/** The kinds this worker runs. The video kinds come with their own handlers; only `ingest` so far. */
export function videoHandlers(config: VideoWorkerConfig): TaskHandlers {
  return {
    ingest: ingestHandler({
      limits: {
        maxBytes: config.MEDIAFLOW_MAX_DOWNLOAD_BYTES,
        timeoutMs: config.MEDIAFLOW_DOWNLOAD_TIMEOUT_MS,
        headersTimeoutMs: Math.min(HEADERS_TIMEOUT_MS, config.MEDIAFLOW_DOWNLOAD_TIMEOUT_MS),
        maxRedirects: MAX_REDIRECTS,
        allowList: config.MEDIAFLOW_ALLOWED_HOSTS,
      },
      maxInputPixels: config.MEDIAFLOW_MAX_INPUT_PIXELS,
    }),
  };
}
