import {
  TRIGGER_EVENTS,
  type AutomationTrigger,
  type ErrorDetail,
  type TriggerEvent,
} from '@mediaflow/contracts';
import { formatJsonPath, type JsonPath } from './json-path';
import { isPlainObject } from './plain-object';
import { validateConditions } from './validate-conditions';

const TRIGGER_KEYS = ['kind', 'event', 'conditions'];

export type TriggerResult =
  { ok: true; trigger: AutomationTrigger | null } | { ok: false; details: ErrorDetail[] };

/**
 * Check an automation's `trigger`, reporting every problem with its JSON
 * path: `null` (on demand only), or `{ kind: "event", event, conditions? }`
 * whose conditions are those of a `conditions` step, left out or empty to
 * match every file. Stored with `conditions` always present.
 */
export function validateTrigger(value: unknown, path: JsonPath = ['trigger']): TriggerResult {
  if (value === null) return { ok: true, trigger: null };
  const at = (...rest: PropertyKey[]) => formatJsonPath([...path, ...rest]);
  if (!isPlainObject(value)) {
    return { ok: false, details: [{ path: at(), message: 'must be an object or null' }] };
  }
  const details: ErrorDetail[] = [];
  for (const key of Object.keys(value)) {
    if (!TRIGGER_KEYS.includes(key))
      details.push({ path: at(key), message: 'is not a field of a trigger' });
  }
  if (value.kind === undefined) details.push({ path: at('kind'), message: 'is required' });
  else if (value.kind !== 'event') details.push({ path: at('kind'), message: 'must be event' });
  if (value.event === undefined) details.push({ path: at('event'), message: 'is required' });
  else if (!isTriggerEvent(value.event)) {
    details.push({ path: at('event'), message: `must be one of: ${TRIGGER_EVENTS.join(', ')}` });
  }
  // Unlike a conditions step, a trigger may test nothing: it then fires on every file.
  const written = value.conditions;
  const conditions =
    written === undefined || (Array.isArray(written) && written.length === 0)
      ? { conditions: [], details: [] }
      : validateConditions(written, [...path, 'conditions']);
  details.push(...conditions.details);

  if (details.length > 0) return { ok: false, details };
  return {
    ok: true,
    trigger: {
      kind: 'event',
      event: value.event as TriggerEvent,
      conditions: conditions.conditions,
    },
  };
}

function isTriggerEvent(value: unknown): value is TriggerEvent {
  return (TRIGGER_EVENTS as readonly unknown[]).includes(value);
}
