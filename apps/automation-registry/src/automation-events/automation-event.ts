import type { AutomationEventRecord } from '@mediaflow/contracts';
import { toUnixSeconds } from '@mediaflow/database';
import { toAutomationObject } from '../automations/automation-object';
import type { AutomationEntity } from '../automations/automation.entity';

/** A row of `registry.automation_events`, the outbox the automations' trigger writes. */
export interface AutomationOutboxRow {
  /** A bigint: node-postgres gives it as a string. */
  seq: string;
  event_id: string;
  project_id: string;
  type: AutomationEventRecord['type'];
  /** The automations row after the change (before it, for a delete), as `to_jsonb` wrote it. */
  automation: Record<string, unknown> & { created_at: string; updated_at: string };
  created_at: Date;
}

/** The event an outbox row is: the automation as the API shows it, as the change left it. */
export function toAutomationEvent(row: AutomationOutboxRow): {
  project_id: string;
  event: AutomationEventRecord;
} {
  const entity = {
    ...row.automation,
    created_at: new Date(row.automation.created_at),
    updated_at: new Date(row.automation.updated_at),
  } as AutomationEntity;
  return {
    project_id: row.project_id,
    event: {
      id: row.event_id,
      type: row.type,
      created_at: toUnixSeconds(row.created_at),
      data: toAutomationObject(entity),
    },
  };
}
