import type { Automation } from '@mediaflow/contracts';
import { WorkFailedError } from '../cli-errors';

/** The part of the SDK's `automations` this needs (a fake in the specs). */
export interface AutomationLookup {
  get(id: string): Promise<Automation>;
  iterate(query?: { name?: string; limit?: number }): AsyncIterable<Automation>;
}

const ID = /^auto_[A-Za-z0-9]+$/;

/**
 * Every automation named exactly `name`. The API filters on `?name=`
 * (exact match); the check here keeps the answer exact against a server
 * that predates the filter and ignores it.
 */
export async function automationsNamed(api: AutomationLookup, name: string): Promise<Automation[]> {
  const found: Automation[] = [];
  for await (const automation of api.iterate({ name, limit: 100 })) {
    if (automation.name === name) found.push(automation);
  }
  return found;
}

/**
 * The automation a command names, by id (`auto_…`) or by name. A name
 * several automations share is refused: the command cannot tell which.
 */
export async function findAutomation(api: AutomationLookup, idOrName: string): Promise<Automation> {
  if (ID.test(idOrName)) {
    try {
      return await api.get(idOrName);
    } catch (error) {
      // An automation may be named like an id; a missing id is looked up as a name below.
      if ((error as { status?: unknown }).status !== 404) throw error;
    }
  }
  const matches = await automationsNamed(api, idOrName);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new WorkFailedError(
      `no automation has the id or name "${idOrName}" (mediaflow automations list)`,
    );
  }
  throw new WorkFailedError(
    `${matches.length} automations are named "${idOrName}" (${matches.map((a) => a.id).join(', ')}): name one by its id`,
  );
}
