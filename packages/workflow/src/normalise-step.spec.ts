import { normaliseStep } from './normalise-step';

const PATH = ['workflow', 0];
const normalise = (value: unknown, refs = new Map<string, string>()) =>
  normaliseStep(value, PATH, refs);

describe('normaliseStep', () => {
  it.each<[string, unknown, unknown]>([
    [
      'flat options move under options',
      { kind: 'image', width: 320, format: 'png', ref: 'thumb' },
      { kind: 'image', options: { width: 320, format: 'png' }, ref: 'thumb' },
    ],
    [
      'flat and nested options merge',
      { kind: 'video', width: 1280, options: { format: 'webm' } },
      { kind: 'video', options: { format: 'webm', width: 1280 } },
    ],
    ['empty options are dropped', { kind: 'summary', options: {} }, { kind: 'summary' }],
    ['no options, none added', { kind: 'speech' }, { kind: 'speech' }],
    [
      'a conditions step keeps what was written, with no default operator added',
      {
        kind: 'conditions',
        ref: 'big',
        conditions: [{ prop: 'width', value: 1280 }],
        next: [{ kind: 'image' }],
      },
      { kind: 'conditions', ref: 'big', conditions: [{ prop: 'width', value: 1280 }] },
    ],
  ])('%s', (_name, value, step) => {
    const result = normalise(value);
    expect(result.details).toStrictEqual([]);
    expect(result.step).toStrictEqual(step);
  });

  it('hands back the raw next and else steps for the caller to walk', () => {
    const next = [{ kind: 'video' }];
    const otherwise = [{ kind: 'audio' }];
    const result = normalise({
      kind: 'conditions',
      conditions: [{ prop: 'kind', value: 'video' }],
      next,
      else: otherwise,
    });
    expect(result.next).toBe(next);
    expect(result.else).toBe(otherwise);
  });

  it('refuses the same option both flat and in options, at the flat key', () => {
    expect(normalise({ kind: 'image', width: 320, options: { width: 640 } }).details).toStrictEqual(
      [{ path: 'workflow[0].width', message: 'is given both beside kind and in options' }],
    );
  });

  it('reports a bad flat option at its options path', () => {
    expect(normalise({ kind: 'image', width: 0 }).details).toStrictEqual([
      { path: 'workflow[0].options.width', message: 'must be ≥ 1' },
    ]);
  });

  it('lists problems in field order: kind, stray keys, options, ref, conditions, next, else', () => {
    const result = normalise({
      else: 1,
      next: 1,
      conditions: [{ prop: 'nope', value: 1 }],
      ref: 'Bad Ref',
      options: {},
      kind: 'conditions',
    });
    expect(result.details.map((d) => d.path)).toStrictEqual([
      'workflow[0].options',
      'workflow[0].ref',
      'workflow[0].conditions[0].prop',
      'workflow[0].next',
      'workflow[0].else',
    ]);
  });

  it('refuses a flat __proto__ key as an unknown option rather than losing it', () => {
    const step = JSON.parse('{"kind":"video","__proto__":{"width":1}}') as unknown;
    expect(normalise(step).details).toStrictEqual([
      { path: 'workflow[0].options.__proto__', message: 'is not an option of video' },
    ]);
  });

  it('records refs and refuses one already taken, naming the first', () => {
    const refs = new Map<string, string>();
    expect(
      normaliseStep({ kind: 'summary', ref: 'sum' }, ['workflow', 0], refs).details,
    ).toStrictEqual([]);
    expect(refs.get('sum')).toBe('workflow[0]');
    expect(
      normaliseStep({ kind: 'nsfw', ref: 'sum' }, ['workflow', 1, 'next', 0], refs).details,
    ).toStrictEqual([
      { path: 'workflow[1].next[0].ref', message: '"sum" is already the ref of workflow[0]' },
    ]);
  });

  it('still hands back the children of a step of unknown kind, so they are checked too', () => {
    const result = normalise({ kind: 'teleport', next: [{ kind: 'video' }], else: [] });
    expect(result.step).toBeUndefined();
    expect(result.next).toStrictEqual([{ kind: 'video' }]);
    expect(result.else).toStrictEqual([]);
  });
});
