import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { startScheduler } from './bootstrap';
import { schedulerConfigSchema } from './config';

runService('scheduler', () => startScheduler(loadConfig(schedulerConfigSchema)));
