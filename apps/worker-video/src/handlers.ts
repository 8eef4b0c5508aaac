import { workerHandlers, type TaskHandlers } from '@mediaflow/worker-kit';
import type { VideoWorkerConfig } from './config';
import { audioHandler } from './audio/audio.handler';
import { ingestHandler } from './ingest/ingest.handler';
import { thumbnailsHandler } from './thumbnails/thumbnails.handler';
import { videoHandler } from './video/video.handler';

/** Connecting and receiving the headers, per hop: a server that says nothing for this long is down. */
const HEADERS_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

/** The kinds declared for this worker: `ingest`, `video`, `audio` and `thumbnails`. */
export function videoHandlers(config: VideoWorkerConfig): TaskHandlers {
  return workerHandlers('video', {
    ingest: ingestHandler({
      limits: {
        maxBytes: config.MEDIAFLOW_MAX_DOWNLOAD_BYTES,
        timeoutMs: config.MEDIAFLOW_DOWNLOAD_TIMEOUT_MS,
        headersTimeoutMs: Math.min(HEADERS_TIMEOUT_MS, config.MEDIAFLOW_DOWNLOAD_TIMEOUT_MS),
        maxRedirects: MAX_REDIRECTS,
        allowList: config.MEDIAFLOW_ALLOWED_HOSTS,
        firstByteTimeoutMs: config.MEDIAFLOW_DOWNLOAD_FIRST_BYTE_TIMEOUT_MS,
        minBytesPerSecond: config.MEDIAFLOW_DOWNLOAD_MIN_BYTES_PER_S,
      },
      maxInputPixels: config.MEDIAFLOW_MAX_INPUT_PIXELS,
    }),
    video: videoHandler({ maxInputPixels: config.MEDIAFLOW_MAX_INPUT_PIXELS }),
    audio: audioHandler({ maxInputPixels: config.MEDIAFLOW_MAX_INPUT_PIXELS }),
    thumbnails: thumbnailsHandler({ maxInputPixels: config.MEDIAFLOW_MAX_INPUT_PIXELS }),
  });
}
