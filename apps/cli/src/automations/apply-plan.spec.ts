import type { Automation } from '@mediaflow/contracts';
import type { DesiredAutomation } from './automation-file';
import { canonicalJson, planApply } from './apply-plan';

function stored(id: string, fields: Partial<Automation> & { name: string }): Automation {
  return {
    id,
    object: 'automation',
    description: null,
    workflow: [{ kind: 'nsfw' }],
    trigger: null,
    status: 'active',
    created_at: 1,
    updated_at: 1,
    ...fields,
  };
}

function desired(
  name: string,
  fields: Partial<DesiredAutomation['fields']> = {},
): DesiredAutomation {
  return {
    source: `${name}.yaml`,
    fields: { name, description: null, workflow: [{ kind: 'nsfw' }], trigger: null, ...fields },
  };
}

const byName = (...automations: Automation[]) => {
  const map = new Map<string, Automation[]>();
  for (const a of automations) map.set(a.name, [...(map.get(a.name) ?? []), a]);
  return map;
};

describe('planApply', () => {
  it('creates an automation no one has named so', () => {
    expect(planApply([desired('New')], byName())).toEqual({
      changes: [
        { action: 'create', source: 'New.yaml', name: 'New', after: desired('New').fields },
      ],
      refusals: [],
    });
  });

  it('leaves alone one that is as described, whatever the order of its keys', () => {
    const workflow = [{ kind: 'image' as const, options: { width: 320, format: 'png' }, ref: 'x' }];
    const reordered = [
      { ref: 'x', options: { format: 'png', width: 320 }, kind: 'image' as const },
    ];
    const current = stored('auto_1', { name: 'Same', workflow: reordered });
    const plan = planApply([desired('Same', { workflow })], byName(current));
    expect(plan.changes).toEqual([
      { action: 'unchanged', source: 'Same.yaml', name: 'Same', id: 'auto_1', current },
    ]);
  });

  it('updates only the fields that differ', () => {
    const current = stored('auto_1', { name: 'Edited', description: 'old' });
    const plan = planApply(
      [desired('Edited', { description: 'new', workflow: [{ kind: 'nsfw' }] })],
      byName(current),
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({
        action: 'update',
        id: 'auto_1',
        patch: { description: 'new' },
        before: expect.objectContaining({ description: 'old' }),
        after: expect.objectContaining({ description: 'new' }),
      }),
    ]);
  });

  it('removes a description or trigger the file no longer has', () => {
    const current = stored('auto_1', {
      name: 'T',
      description: 'was here',
      trigger: { kind: 'event', event: 'file.created', conditions: [] },
    });
    const [change] = planApply([desired('T')], byName(current)).changes;
    expect(change).toMatchObject({ action: 'update', patch: { description: null, trigger: null } });
  });

  it('keeps a status set by hand unless the file names one', () => {
    const paused = stored('auto_1', { name: 'P', status: 'paused' });
    expect(planApply([desired('P')], byName(paused)).changes[0]?.action).toBe('unchanged');
    expect(
      planApply([desired('P', { status: 'active' })], byName(paused)).changes[0],
    ).toMatchObject({ action: 'update', patch: { status: 'active' } });
  });

  it('refuses a name several automations share, naming them, and plans the others', () => {
    const plan = planApply(
      [desired('Twice'), desired('Fine')],
      byName(stored('auto_1', { name: 'Twice' }), stored('auto_2', { name: 'Twice' })),
    );
    expect(plan.refusals).toEqual([
      {
        source: 'Twice.yaml',
        name: 'Twice',
        reason: expect.stringMatching(
          /^2 automations are named "Twice" \(auto_1, auto_2\): apply cannot tell which one to update/,
        ),
      },
    ]);
    expect(plan.changes.map((c) => c.name)).toEqual(['Fine']);
  });

  it('refuses a name the files describe twice', () => {
    const a = { ...desired('Dup'), source: 'a.yaml' };
    const b = { ...desired('Dup'), source: 'b.yaml' };
    const plan = planApply([a, b], byName());
    expect(plan.changes).toEqual([]);
    expect(plan.refusals.map((r) => r.reason)).toEqual([
      '"Dup" is described more than once (a.yaml, b.yaml): apply needs one description per name',
      '"Dup" is described more than once (a.yaml, b.yaml): apply needs one description per name',
    ]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: undefined, b: 2 }, 3] })).toBe(
      '{"a":[{"b":2,"d":1},3],"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('undefined');
  });
});
