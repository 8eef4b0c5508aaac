// `node dist/migrate.js`: applies the gateway's migrations and exits (the Kubernetes migrations Job).
import { runMigrationsCommand } from '@mediaflow/service-kit';
import { gatewayDatabase } from './database/gateway-database';

runMigrationsCommand({ service: 'gateway', ...gatewayDatabase });
