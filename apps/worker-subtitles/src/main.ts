import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { startSubtitlesWorker, SUBTITLES_WORKER_SERVICE } from './bootstrap';
import { subtitlesWorkerConfigSchema } from './config';

runService(SUBTITLES_WORKER_SERVICE, () =>
  startSubtitlesWorker(loadConfig(subtitlesWorkerConfigSchema)),
);
