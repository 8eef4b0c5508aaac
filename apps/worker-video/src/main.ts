import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { startVideoWorker, VIDEO_WORKER_SERVICE } from './bootstrap';
import { videoWorkerConfigSchema } from './config';

runService(VIDEO_WORKER_SERVICE, () => startVideoWorker(loadConfig(videoWorkerConfigSchema)));
