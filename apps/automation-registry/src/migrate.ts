// `node dist/migrate.js`: applies the automation-registry's migrations and exits (the Kubernetes migrations Job).
import { runMigrationsCommand } from '@mediaflow/service-kit';
import { registryDatabase } from './database/registry-database';

runMigrationsCommand({ service: 'automation-registry', ...registryDatabase });
