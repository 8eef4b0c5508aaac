import type { Automation, CreateAutomationBody, UpdateAutomationBody } from '@mediaflow/contracts';
import { desiredAutomation, type AutomationDocument } from './automation-file';
import { planApply, type ApplyPlan, type PlannedChange } from './apply-plan';
import { automationsNamed, type AutomationLookup } from './find-automation';

/** The part of the SDK's `automations` that apply needs (a fake in the specs). */
export interface ApplyApi extends AutomationLookup {
  create(body: CreateAutomationBody): Promise<Automation>;
  update(id: string, patch: UpdateAutomationBody): Promise<Automation>;
}

/**
 * Checks every document first (a mistake in the third stops before the
 * first is sent), then looks up each name once.
 */
export async function planFromDocuments(
  api: AutomationLookup,
  documents: readonly AutomationDocument[],
): Promise<ApplyPlan> {
  const desired = documents.map(desiredAutomation);
  const existing = new Map<string, Automation[]>();
  for (const name of new Set(desired.map((d) => d.fields.name))) {
    existing.set(name, await automationsNamed(api, name));
  }
  return planApply(desired, existing);
}

export interface AppliedChange {
  action: 'created' | 'updated' | 'unchanged';
  source: string;
  automation: Automation;
}

/** Carries out a plan, in file order; a refusal by the API stops it there (what is done stays done). */
export async function applyChanges(
  api: ApplyApi,
  changes: readonly PlannedChange[],
): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = [];
  for (const change of changes) {
    switch (change.action) {
      case 'create':
        applied.push({
          action: 'created',
          source: change.source,
          automation: await api.create(change.after),
        });
        break;
      case 'update':
        applied.push({
          action: 'updated',
          source: change.source,
          automation: await api.update(change.id, change.patch),
        });
        break;
      case 'unchanged':
        applied.push({ action: 'unchanged', source: change.source, automation: change.current });
        break;
    }
  }
  return applied;
}
