import type { Automation } from '@mediaflow/contracts';
import { WorkFailedError } from '../cli-errors';
import { automationsNamed, findAutomation, type AutomationLookup } from './find-automation';

const automation = (id: string, name: string): Automation => ({
  id,
  object: 'automation',
  name,
  description: null,
  workflow: [{ kind: 'nsfw' }],
  trigger: null,
  status: 'active',
  created_at: 1,
  updated_at: 1,
});

/** An API that, like a server before `?name=`, ignores the filter and lists everything. */
function api(all: Automation[]): AutomationLookup & { queries: unknown[] } {
  const queries: unknown[] = [];
  return {
    queries,
    get: async (id) => {
      const found = all.find((a) => a.id === id);
      if (!found) throw Object.assign(new Error('not found'), { status: 404, code: 'not_found' });
      return found;
    },
    iterate: (query) => {
      queries.push(query);
      return (async function* () {
        yield* all;
      })();
    },
  };
}

describe('automationsNamed', () => {
  it('asks the API for the name, and keeps exact matches only', async () => {
    const lookup = api([
      automation('auto_1', 'Short video'),
      automation('auto_2', 'short video'),
      automation('auto_3', 'Short video '),
    ]);
    expect((await automationsNamed(lookup, 'Short video')).map((a) => a.id)).toEqual(['auto_1']);
    expect(lookup.queries).toEqual([{ name: 'Short video', limit: 100 }]);
  });
});

describe('findAutomation', () => {
  const all = [
    automation('auto_1', 'A'),
    automation('auto_2', 'B'),
    automation('auto_3', 'B'),
    automation('auto_4', 'auto_9'),
  ];

  it('by id', async () => {
    expect((await findAutomation(api(all), 'auto_2')).id).toBe('auto_2');
  });

  it('by name', async () => {
    expect((await findAutomation(api(all), 'A')).id).toBe('auto_1');
  });

  it('an id that does not exist is tried as a name', async () => {
    expect((await findAutomation(api(all), 'auto_9')).id).toBe('auto_4');
  });

  it('refuses a name several share, naming them', async () => {
    await expect(findAutomation(api(all), 'B')).rejects.toThrow(
      new WorkFailedError('2 automations are named "B" (auto_2, auto_3): name one by its id'),
    );
  });

  it('says when nothing matches', async () => {
    await expect(findAutomation(api(all), 'Z')).rejects.toThrow(
      /no automation has the id or name "Z"/,
    );
  });

  it('passes on other API errors', async () => {
    const failing: AutomationLookup = {
      get: async () => {
        throw Object.assign(new Error('down'), { status: 503 });
      },
      iterate: api([]).iterate,
    };
    await expect(findAutomation(failing, 'auto_1')).rejects.toThrow('down');
  });
});
