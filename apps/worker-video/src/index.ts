export { startVideoWorker, VIDEO_WORKER_SERVICE, type StartVideoWorkerOptions } from './bootstrap';
export { videoWorkerConfigSchema, type VideoWorkerConfig } from './config';
export { videoHandlers } from './handlers';
export { ingestHandler, type IngestSettings } from './ingest/ingest.handler';
export { videoHandler, type VideoSettings } from './video/video.handler';
export { audioHandler, type AudioSettings } from './audio/audio.handler';
export { thumbnailsHandler, type ThumbnailsSettings } from './thumbnails/thumbnails.handler';
