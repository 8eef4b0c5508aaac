import { automationYaml, formatChange, planSummary, unifiedDiff } from './apply-diff';

describe('automationYaml', () => {
  it('writes keys in reading order: name, description, status, trigger, workflow; kind and ref first in a step; options sorted', () => {
    expect(
      automationYaml({
        workflow: [{ options: { width: 320, format: 'png' }, ref: 'thumb', kind: 'image' }],
        trigger: null,
        description: null,
        name: 'Thumbs',
      }),
    ).toBe(
      [
        'name: Thumbs',
        'description: null',
        'trigger: null',
        'workflow:',
        '  - kind: image',
        '    ref: thumb',
        '    options:',
        '      format: png',
        '      width: 320',
        '',
      ].join('\n'),
    );
  });
});

describe('unifiedDiff', () => {
  it('is the hunks with their context, no file headers', () => {
    expect(unifiedDiff('a: 1\nb: 2\nc: 3\n', 'a: 1\nb: 20\nc: 3\n')).toBe(
      ['@@ -1,3 +1,3 @@', ' a: 1', '-b: 2', '+b: 20', ' c: 3', ''].join('\n'),
    );
  });

  it('is empty when nothing differs', () => {
    expect(unifiedDiff('a: 1\n', 'a: 1\n')).toBe('');
  });
});

describe('formatChange', () => {
  const fields = {
    name: 'A',
    description: null,
    workflow: [{ kind: 'nsfw' as const }],
    trigger: null,
  };

  it('a creation: every line added', () => {
    expect(formatChange({ action: 'create', source: 'a.yaml', name: 'A', after: fields })).toBe(
      [
        '+ A: will be created  [a.yaml]',
        '@@ -0,0 +1,5 @@',
        '+name: A',
        '+description: null',
        '+trigger: null',
        '+workflow:',
        '+  - kind: nsfw',
        '',
      ].join('\n'),
    );
  });

  it('an update: the fields it changes, then the diff', () => {
    const text = formatChange({
      action: 'update',
      source: 'a.yaml',
      name: 'A',
      id: 'auto_1',
      patch: { workflow: [{ kind: 'summary' }] },
      before: fields,
      after: { ...fields, workflow: [{ kind: 'summary' }] },
    });
    expect(text).toContain('~ A (auto_1): will be updated (workflow)  [a.yaml]\n');
    expect(text).toContain('-  - kind: nsfw\n+  - kind: summary\n');
  });

  it('no change: one line', () => {
    expect(
      formatChange({
        action: 'unchanged',
        source: 'a.yaml',
        name: 'A',
        id: 'auto_1',
        current: {} as never,
      }),
    ).toBe('= A (auto_1): no change  [a.yaml]\n');
  });

  it('uses the style given (colours on a terminal)', () => {
    const style = {
      added: (l: string) => `<g>${l}</g>`,
      removed: (l: string) => `<r>${l}</r>`,
      header: (l: string) => `<b>${l}</b>`,
    };
    const text = formatChange(
      { action: 'create', source: 'a.yaml', name: 'A', after: fields },
      style,
    );
    expect(text.split('\n').slice(0, 3)).toEqual([
      '<b>+ A</b>: will be created  [a.yaml]',
      '<b>@@ -0,0 +1,5 @@</b>',
      '<g>+name: A</g>',
    ]);
  });
});

describe('planSummary', () => {
  it('counts each action', () => {
    expect(
      planSummary([
        { action: 'unchanged', source: 'a', name: 'a', id: 'auto_1', current: {} as never },
        { action: 'unchanged', source: 'b', name: 'b', id: 'auto_2', current: {} as never },
        {
          action: 'create',
          source: 'c',
          name: 'c',
          after: { name: 'c', description: null, workflow: [], trigger: null },
        },
      ]),
    ).toBe('Plan: 1 to create, 0 to update, 2 unchanged.');
  });
});
