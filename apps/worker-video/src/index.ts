export { startVideoWorker, VIDEO_WORKER_SERVICE, type StartVideoWorkerOptions } from './bootstrap';
export { videoWorkerConfigSchema, type VideoWorkerConfig } from './config';
export { videoHandlers } from './handlers';
export { classifyAddress, type AddressClass } from './ingest/address-class';
export { isAllowedByList, parseAllowList, type AllowEntry } from './ingest/allow-list';
export { ingestHandler, type IngestSettings } from './ingest/ingest.handler';
