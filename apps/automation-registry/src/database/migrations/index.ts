import { CreateAutomations1795923699954 } from './1795923699954-create-automations';

/** Every migration of the registry schema, oldest first. */
export const registryMigrations = [CreateAutomations1795923699954];
