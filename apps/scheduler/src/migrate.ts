// `node dist/migrate.js`: applies the scheduler's migrations and exits (the Kubernetes migrations Job).
import { runMigrationsCommand } from '@mediaflow/service-kit';
import { schedulerDatabase } from './database/scheduler-database';

runMigrationsCommand({ service: 'scheduler', ...schedulerDatabase });
