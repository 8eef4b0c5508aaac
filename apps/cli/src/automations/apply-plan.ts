import type { Automation } from '@mediaflow/contracts';
import type { DesiredAutomation, ManagedFields } from './automation-file';

export type PlannedChange =
  | { action: 'create'; source: string; name: string; after: ManagedFields }
  | {
      action: 'update';
      source: string;
      name: string;
      id: string;
      /** Only the fields that differ. */
      patch: Partial<ManagedFields>;
      before: ManagedFields;
      after: ManagedFields;
    }
  | { action: 'unchanged'; source: string; name: string; id: string; current: Automation };

/** Why a document cannot be applied: nothing is applied while there is one. */
export interface Refusal {
  source: string;
  name: string;
  reason: string;
}

export interface ApplyPlan {
  changes: PlannedChange[];
  refusals: Refusal[];
}

const MANAGED_KEYS = ['name', 'description', 'status', 'trigger', 'workflow'] as const;

/**
 * What `apply` will do for each desired automation, given the automations
 * that already carry each name. Names are not unique in the API, so a name
 * that several automations share cannot say which one to update: refused,
 * as is a name given twice in the files.
 */
export function planApply(
  desired: readonly DesiredAutomation[],
  existingByName: ReadonlyMap<string, readonly Automation[]>,
): ApplyPlan {
  const changes: PlannedChange[] = [];
  const refusals: Refusal[] = [];
  const sources = new Map<string, string[]>();
  for (const d of desired) {
    sources.set(d.fields.name, [...(sources.get(d.fields.name) ?? []), d.source]);
  }

  for (const d of desired) {
    const { name } = d.fields;
    const given = sources.get(name) ?? [];
    if (given.length > 1) {
      refusals.push({
        source: d.source,
        name,
        reason: `"${name}" is described more than once (${given.join(', ')}): apply needs one description per name`,
      });
      continue;
    }
    const matches = existingByName.get(name) ?? [];
    if (matches.length > 1) {
      refusals.push({
        source: d.source,
        name,
        reason: `${matches.length} automations are named "${name}" (${matches.map((a) => a.id).join(', ')}): apply cannot tell which one to update. Rename or delete all but one (mediaflow automations delete <id>)`,
      });
      continue;
    }
    const current = matches[0];
    if (!current) {
      changes.push({ action: 'create', source: d.source, name, after: d.fields });
      continue;
    }
    const before = managedView(current, d.fields);
    const patch: Partial<ManagedFields> = {};
    for (const key of MANAGED_KEYS) {
      if (!(key in d.fields)) continue;
      if (canonicalJson(before[key]) !== canonicalJson(d.fields[key])) {
        Object.assign(patch, { [key]: d.fields[key] });
      }
    }
    changes.push(
      Object.keys(patch).length === 0
        ? { action: 'unchanged', source: d.source, name, id: current.id, current }
        : {
            action: 'update',
            source: d.source,
            name,
            id: current.id,
            patch,
            before,
            after: d.fields,
          },
    );
  }
  return { changes, refusals };
}

/** The automation's fields that the file manages (status only when the file names it). */
function managedView(automation: Automation, desired: ManagedFields): ManagedFields {
  const view: ManagedFields = {
    name: automation.name,
    description: automation.description,
    workflow: automation.workflow,
    trigger: automation.trigger,
  };
  if (desired.status !== undefined) view.status = automation.status;
  return view;
}

/**
 * JSON with every object's keys sorted: the API keeps workflows in
 * PostgreSQL jsonb, which does not keep key order, so order cannot count
 * as a change.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The plan as `apply --dry-run --json` prints it: what would be sent, nothing more. */
export function planForJson(changes: readonly PlannedChange[]): Record<string, unknown>[] {
  return changes.map((change) => {
    switch (change.action) {
      case 'create':
        return { action: 'create', source: change.source, name: change.name, fields: change.after };
      case 'update':
        return {
          action: 'update',
          source: change.source,
          name: change.name,
          id: change.id,
          patch: change.patch,
        };
      case 'unchanged':
        return { action: 'unchanged', source: change.source, name: change.name, id: change.id };
    }
  });
}
