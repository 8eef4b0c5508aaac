import { z } from 'zod';
import { parseWithDetails, zodIssuesToDetails, type IssueContext } from './zod-issues';

describe('parseWithDetails', () => {
  it.each<[string, z.ZodType, unknown, IssueContext, { path: string; message: string }[]]>([
    ['too_big inclusive', z.number().max(10), 11, {}, [{ path: '', message: 'must be ≤ 10' }]],
    ['too_big exclusive', z.number().lt(10), 10, {}, [{ path: '', message: 'must be < 10' }]],
    ['too_small inclusive', z.number().min(1), 0, {}, [{ path: '', message: 'must be ≥ 1' }]],
    ['too_small exclusive', z.number().gt(0), 0, {}, [{ path: '', message: 'must be > 0' }]],
    [
      'long string',
      z.string().max(3),
      'abcd',
      {},
      [{ path: '', message: 'must have at most 3 characters' }],
    ],
    ['empty string', z.string().min(1), '', {}, [{ path: '', message: 'must not be empty' }]],
    [
      'short string',
      z.string().min(3),
      'ab',
      {},
      [{ path: '', message: 'must have at least 3 characters' }],
    ],
    [
      'long array',
      z.array(z.number()).max(2),
      [1, 2, 3],
      {},
      [{ path: '', message: 'must have at most 2 items' }],
    ],
    ['not a number', z.number(), 'x', {}, [{ path: '', message: 'must be a number' }]],
    [
      'not a whole number',
      z.number().int(),
      1.5,
      {},
      [{ path: '', message: 'must be a whole number' }],
    ],
    ['not a string', z.string(), 5, {}, [{ path: '', message: 'must be a string' }]],
    ['not a boolean', z.boolean(), 'yes', {}, [{ path: '', message: 'must be a boolean' }]],
    ['not an object', z.object({}), [], {}, [{ path: '', message: 'must be an object' }]],
    ['not an array', z.array(z.string()), {}, {}, [{ path: '', message: 'must be an array' }]],
    ['missing field', z.object({ a: z.number() }), {}, {}, [{ path: 'a', message: 'is required' }]],
    [
      'null is not missing',
      z.object({ a: z.number() }),
      { a: null },
      {},
      [{ path: 'a', message: 'must be a number' }],
    ],
    ['enum', z.enum(['a', 'b', 'c']), 'd', {}, [{ path: '', message: 'must be one of: a, b, c' }]],
    ['numeric literals', z.literal([1, 2]), 3, {}, [{ path: '', message: 'must be one of: 1, 2' }]],
    ['single literal', z.literal('x'), 'y', {}, [{ path: '', message: 'must be x' }]],
    [
      'multiple of',
      z.number().multipleOf(5),
      7,
      {},
      [{ path: '', message: 'must be a multiple of 5' }],
    ],
    [
      'multiple of with its own message',
      z.number().multipleOf(2, 'must be an even number'),
      7,
      {},
      [{ path: '', message: 'must be an even number' }],
    ],
    [
      'a schema message outranks ours',
      z.string().min(1, 'must not be blank'),
      '',
      {},
      [{ path: '', message: 'must not be blank' }],
    ],
    ['regex', z.string().regex(/^a+$/), 'b', {}, [{ path: '', message: 'must match /^a+$/' }]],
    [
      'unknown keys, one detail each',
      z.strictObject({ a: z.number().optional() }),
      { b: 1, c: 2 },
      {},
      [
        { path: 'b', message: 'is not a known field' },
        { path: 'c', message: 'is not a known field' },
      ],
    ],
    [
      'unknown option of a kind, under a prefix',
      z.strictObject({ width: z.number().optional() }),
      { foo: 1 },
      { path: ['workflow', 0, 'options'], kind: 'video' },
      [{ path: 'workflow[0].options.foo', message: 'is not an option of video' }],
    ],
    [
      'prefix on a nested issue',
      z.object({ width: z.number().max(10) }),
      { width: 11 },
      { path: ['workflow', 1, 'next', 0, 'options'] },
      [{ path: 'workflow[1].next[0].options.width', message: 'must be ≤ 10' }],
    ],
    [
      'union with its own message',
      z.union([z.string(), z.number()], { error: 'must be text or a count' }),
      true,
      {},
      [{ path: '', message: 'must be text or a count' }],
    ],
    [
      'custom refinement',
      z.number().refine((n) => n !== 3, 'must not be three'),
      3,
      {},
      [{ path: '', message: 'must not be three' }],
    ],
  ])('%s', (_name, schema, value, context, expected) => {
    expect(parseWithDetails(schema, value, context)).toStrictEqual({
      ok: false,
      details: expected,
    });
  });

  it('returns the parsed data when the value is valid', () => {
    expect(parseWithDetails(z.object({ name: z.string().trim() }), { name: ' a ' })).toStrictEqual({
      ok: true,
      data: { name: 'a' },
    });
  });
});

describe('zodIssuesToDetails', () => {
  it('keeps the messages of issues it is given, prefixing and formatting their paths', () => {
    expect(
      zodIssuesToDetails(
        [
          { code: 'custom', path: ['end'], message: 'must be greater than start' },
          { code: 'unrecognized_keys', keys: ['x'], path: [], message: 'Unrecognized key: "x"' },
        ],
        { path: ['workflow', 2, 'options'], kind: 'audio' },
      ),
    ).toStrictEqual([
      { path: 'workflow[2].options.end', message: 'must be greater than start' },
      { path: 'workflow[2].options.x', message: 'is not an option of audio' },
    ]);
  });
});
