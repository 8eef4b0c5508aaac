import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { IMAGE_WORKER_SERVICE, startImageWorker } from './bootstrap';
import { imageWorkerConfigSchema } from './config';

runService(IMAGE_WORKER_SERVICE, () => startImageWorker(loadConfig(imageWorkerConfigSchema)));
