import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { SUMMARY_WORKER_SERVICE, startSummaryWorker } from './bootstrap';
import { summaryWorkerConfigSchema } from './config';

runService(SUMMARY_WORKER_SERVICE, () => startSummaryWorker(loadConfig(summaryWorkerConfigSchema)));
