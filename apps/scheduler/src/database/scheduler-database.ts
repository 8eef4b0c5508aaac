import type { ServiceSchema } from '@mediaflow/database';
import { schedulerMigrations } from './migrations';

/** The PostgreSQL schema the scheduler owns; no other service reads it. */
export const SCHEDULER_SCHEMA = 'scheduler';

/**
 * The scheduler's schema, as its module opens it and `migrate.js` migrates
 * it: tables hand-migrated and queried as SQL, so no entities.
 */
export const schedulerDatabase: ServiceSchema = {
  schema: SCHEDULER_SCHEMA,
  entities: [],
  migrations: schedulerMigrations,
};
