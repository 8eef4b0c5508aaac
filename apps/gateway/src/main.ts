import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { startGateway } from './bootstrap';
import { gatewayConfigSchema } from './config';

runService('gateway', () => startGateway(loadConfig(gatewayConfigSchema)));
