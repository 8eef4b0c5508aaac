import type { Automation, CreateAutomationBody, UpdateAutomationBody } from '@mediaflow/contracts';
import { applyChanges, planFromDocuments, type ApplyApi } from './apply';
import { parseAutomationFile } from './automation-file';

/** The registry in memory: names not unique, `?name=` ignored (as before the API had it). */
class FakeAutomations implements ApplyApi {
  readonly all: Automation[] = [];
  readonly calls: string[] = [];
  private seq = 0;

  async get(id: string): Promise<Automation> {
    const found = this.all.find((a) => a.id === id);
    if (!found) throw Object.assign(new Error('not found'), { status: 404 });
    return found;
  }

  async *iterate(): AsyncIterable<Automation> {
    this.calls.push('list');
    yield* this.all;
  }

  async create(body: CreateAutomationBody): Promise<Automation> {
    this.calls.push(`create ${body.name}`);
    const automation: Automation = {
      id: `auto_${++this.seq}`,
      object: 'automation',
      name: body.name,
      description: body.description ?? null,
      workflow: JSON.parse(JSON.stringify(body.workflow)),
      trigger: (body.trigger as Automation['trigger']) ?? null,
      status: body.status ?? 'active',
      created_at: 1,
      updated_at: 1,
    };
    this.all.push(automation);
    return automation;
  }

  async update(id: string, patch: UpdateAutomationBody): Promise<Automation> {
    this.calls.push(`update ${id} ${Object.keys(patch).join(',')}`);
    const automation = await this.get(id);
    Object.assign(automation, JSON.parse(JSON.stringify(patch)));
    return automation;
  }
}

const FILE = `
name: Thumbs
workflow:
  - kind: image
    width: 320
    format: png
    ref: thumb
`;

describe('apply, against the registry in memory', () => {
  it('creates, then finds nothing to change the second time', async () => {
    const api = new FakeAutomations();
    const docs = parseAutomationFile(FILE, 'thumbs.yaml');

    const first = await planFromDocuments(api, docs);
    expect(first.changes.map((c) => c.action)).toEqual(['create']);
    const applied = await applyChanges(api, first.changes);
    expect(applied).toEqual([{ action: 'created', source: 'thumbs.yaml', automation: api.all[0] }]);

    const second = await planFromDocuments(api, docs);
    expect(second.changes.map((c) => c.action)).toEqual(['unchanged']);
    expect(await applyChanges(api, second.changes)).toEqual([
      { action: 'unchanged', source: 'thumbs.yaml', automation: api.all[0] },
    ]);
    expect(api.calls.filter((c) => c !== 'list')).toEqual(['create Thumbs']);
  });

  it('an edited file updates only what changed', async () => {
    const api = new FakeAutomations();
    await applyChanges(
      api,
      (await planFromDocuments(api, parseAutomationFile(FILE, 't.yaml'))).changes,
    );
    const edited = FILE.replace('width: 320', 'width: 640');
    const plan = await planFromDocuments(api, parseAutomationFile(edited, 't.yaml'));
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'update', id: 'auto_1' })]);
    await applyChanges(api, plan.changes);
    expect(api.calls.at(-1)).toBe('update auto_1 workflow');
    expect(api.all[0]?.workflow).toEqual([
      { kind: 'image', options: { width: 640, format: 'png' }, ref: 'thumb' },
    ]);
  });

  it('checks every document before looking anything up', async () => {
    const api = new FakeAutomations();
    const docs = parseAutomationFile(`${FILE}---\nname: Bad\nworkflow: []\n`, 'two.yaml');
    await expect(planFromDocuments(api, docs)).rejects.toThrow(/^two\.yaml#2: /);
    expect(api.calls).toEqual([]);
  });
});
