export { startVideoWorker, VIDEO_WORKER_SERVICE, type StartVideoWorkerOptions } from './bootstrap';
export { videoWorkerConfigSchema, type VideoWorkerConfig } from './config';
export { videoHandlers } from './handlers';
export { ingestHandler, type IngestSettings } from './ingest/ingest.handler';
