import type { ServiceSchema } from '@mediaflow/database';
import { AutomationEntity } from '../automations/automation.entity';
import { registryMigrations } from './migrations';

/** The PostgreSQL schema the registry owns; no other service reads it. */
export const REGISTRY_SCHEMA = 'registry';

/** The registry's schema, as its module opens it and `migrate.js` migrates it. */
export const registryDatabase: ServiceSchema = {
  schema: REGISTRY_SCHEMA,
  entities: [AutomationEntity],
  migrations: registryMigrations,
};
