import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { startRegistry } from './bootstrap';
import { registryConfigSchema } from './config';

runService('automation-registry', () => startRegistry(loadConfig(registryConfigSchema)));
