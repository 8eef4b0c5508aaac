import type { ServiceSchema } from '@mediaflow/database';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { ProjectEntity } from '../auth/project.entity';
import { SettingEntity } from '../settings/setting.entity';
import { gatewayMigrations } from './migrations';

/** The PostgreSQL schema the gateway owns; no other service reads it. */
export const GATEWAY_SCHEMA = 'gateway';

/** The gateway's schema, as its module opens it and `migrate.js` migrates it. */
export const gatewayDatabase: ServiceSchema = {
  schema: GATEWAY_SCHEMA,
  entities: [ProjectEntity, ApiKeyEntity, SettingEntity],
  migrations: gatewayMigrations,
};
