import type { Automation, DeletedAutomation } from '@mediaflow/contracts';
import { toUnixSeconds } from '@mediaflow/database';
import type { AutomationEntity } from './automation.entity';

/** The API object of docs/http-api.md for a stored automation. */
export function toAutomationObject(entity: AutomationEntity): Automation {
  return {
    id: entity.id,
    object: 'automation',
    name: entity.name,
    description: entity.description,
    workflow: entity.workflow,
    trigger: entity.trigger,
    status: entity.status,
    created_at: toUnixSeconds(entity.created_at),
    updated_at: toUnixSeconds(entity.updated_at),
  };
}

export function toDeletedAutomation(id: string): DeletedAutomation {
  return { id, object: 'automation', deleted: true };
}
