import type {
  AutomationStatus,
  AutomationTrigger,
  FileProperties,
  TriggerEvent,
} from '@mediaflow/contracts';
import { evaluateConditions } from './run/evaluate-conditions';

/** What matching needs of an automation. */
export interface Triggerable {
  status: AutomationStatus;
  trigger: AutomationTrigger | null;
}

/**
 * The automations, in the order given, that `event` on a file with these
 * properties starts: active, with a trigger on that event whose conditions
 * all hold (none: every file). Paused and on-demand automations never fire.
 */
export function automationsTriggeredBy<A extends Triggerable>(
  automations: readonly A[],
  event: TriggerEvent,
  properties: FileProperties,
): A[] {
  return automations.filter(
    ({ status, trigger }) =>
      status === 'active' &&
      trigger !== null &&
      trigger.event === event &&
      evaluateConditions(trigger.conditions, properties),
  );
}
