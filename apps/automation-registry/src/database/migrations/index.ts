import { CreateAutomations1795923699954 } from './1795923699954-create-automations';
import { AutomationTriggers1796710000000 } from './1796710000000-automation-triggers';
import { AutomationEvents1796720000000 } from './1796720000000-automation-events';
import { AutomationIdempotency1796730000000 } from './1796730000000-automation-idempotency';

/** Every migration of the registry schema, oldest first. */
export const registryMigrations = [
  CreateAutomations1795923699954,
  AutomationTriggers1796710000000,
  AutomationEvents1796720000000,
  AutomationIdempotency1796730000000,
];
