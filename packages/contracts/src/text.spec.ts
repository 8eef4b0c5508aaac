import type { z } from 'zod';
import { CreateAutomationFieldsSchema, UpdateAutomationFieldsSchema } from './automation';
import { ConditionSchema } from './file-properties';
import { IngestFileBodySchema, IngestSourceSchema, UploadQuerySchema } from './files';
import { CreateApiKeyBodySchema, CreateProjectBodySchema } from './projects';
import { CreateTaskBodySchema, RunAutomationBodySchema, TaskSourceSchema } from './tasks';
import {
  MAX_TEXT_ISSUES,
  TEXT_PROBLEMS,
  httpUrl,
  storableJson,
  storableText,
  textProblem,
  unstorableTextIn,
} from './text';

const NUL = TEXT_PROBLEMS.nul;
const SURROGATE = TEXT_PROBLEMS.unpairedSurrogate;

describe('textProblem', () => {
  it.each([
    ['', undefined],
    ['plain text', undefined],
    ['é, ß, 東京, and a tab\t', undefined],
    ['an emoji (a surrogate pair) 😀', undefined],
    ['😀 at the start and at the end 😀', undefined],
    ['a\u0000b', NUL],
    ['\u0000', NUL],
    ['a lone high surrogate \ud800 in the middle', SURROGATE],
    ['a lone high surrogate at the end \ud83d', SURROGATE],
    ['\udc00 a lone low surrogate at the start', SURROGATE],
    ['two high surrogates \ud83d\ud83d', SURROGATE],
    ['a low one before a high one \ude00\ud83d', SURROGATE],
    ['a pair then a stray low one 😀\ude00', SURROGATE],
    ['the first problem wins: \u0000 \ud800', NUL],
  ])('%j → %s', (value, problem) => {
    expect(textProblem(value)).toBe(problem);
  });
});

describe('unstorableTextIn', () => {
  it('finds every bad string and key of a JSON value, at its path, in document order', () => {
    const value = {
      name: 'fine',
      workflow: [
        { kind: 'video', options: { filename: 'a\u0000.mp4' } },
        { kind: 'conditions', conditions: [{ prop: 'format', value: ['mp4', 'x\ud800'] }] },
      ],
      ['bad\u0000key']: 'the value of a bad key is not looked at: \u0000',
      nested: { deeper: [[['\udc00']]] },
      numbers: [1, 2, true, null],
    };
    expect(unstorableTextIn(value)).toEqual([
      { path: ['workflow', 0, 'options', 'filename'], message: NUL },
      { path: ['workflow', 1, 'conditions', 0, 'value', 1], message: SURROGATE },
      { path: ['bad\u0000key'], message: `key ${NUL}` },
      { path: ['nested', 'deeper', 0, 0, 0], message: SURROGATE },
    ]);
  });

  it('answers nothing for storable values, and a string at the root at the empty path', () => {
    expect(unstorableTextIn({ a: ['b', { c: 'd 😀' }], e: 1 })).toEqual([]);
    expect(unstorableTextIn(42)).toEqual([]);
    expect(unstorableTextIn('\u0000')).toEqual([{ path: [], message: NUL }]);
  });

  it(`stops at ${MAX_TEXT_ISSUES} issues`, () => {
    expect(unstorableTextIn(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(
      MAX_TEXT_ISSUES,
    );
  });

  it('walks a value nested far deeper than the call stack would allow', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const [issue] = unstorableTextIn(deep);
    expect(issue?.path).toHaveLength(200_000);
    expect(issue?.message).toBe(NUL);
  });
});

describe('storableText, storableJson and httpUrl', () => {
  const messages = (schema: z.ZodType, value: unknown) =>
    schema.safeParse(value).error?.issues.map((i) => ({ path: i.path, message: i.message }));

  it('refuse NUL and unpaired surrogates with the shared messages', () => {
    expect(messages(storableText(), 'a\u0000')).toEqual([{ path: [], message: NUL }]);
    expect(messages(storableText(), 'a\ud800')).toEqual([{ path: [], message: SURROGATE }]);
    expect(storableText().parse('fine 😀')).toBe('fine 😀');
    expect(messages(storableJson(), { a: [{ b: '\u0000' }] })).toEqual([
      { path: ['a', 0, 'b'], message: NUL },
    ]);
  });

  it('refuses a URL that the URL parser would accept by escaping or replacing the character', () => {
    // `new URL` percent-encodes NUL and turns a lone surrogate into %EF%BF%BD: neither is what was sent.
    expect(messages(httpUrl(), 'https://media.test/a\u0000.mp4')).toEqual([
      { path: [], message: NUL },
    ]);
    expect(messages(httpUrl(), 'https://media.test/a\ud800.mp4')).toEqual([
      { path: [], message: SURROGATE },
    ]);
    expect(httpUrl().parse('https://media.test/😀.mp4')).toBe('https://media.test/😀.mp4');
  });
});

describe('every schema of client text refuses NUL and unpaired surrogates at its path', () => {
  const workflow = [{ kind: 'summary' }];
  const url = 'https://media.test/in.mp4';
  const cases: [string, z.ZodType, (bad: string) => unknown, (string | number)[]][] = [
    ['automation name', CreateAutomationFieldsSchema, (s) => ({ name: s, workflow }), ['name']],
    [
      'automation description',
      CreateAutomationFieldsSchema,
      (s) => ({ name: 'n', description: s, workflow }),
      ['description'],
    ],
    [
      'a string deep in a workflow',
      CreateAutomationFieldsSchema,
      (s) => ({ name: 'n', workflow: [{ kind: 'video', options: { filename: s } }] }),
      ['workflow', 0, 'options', 'filename'],
    ],
    ['an updated name', UpdateAutomationFieldsSchema, (s) => ({ name: s }), ['name']],
    [
      'an updated workflow',
      UpdateAutomationFieldsSchema,
      (s) => ({ workflow: [{ kind: 'summary', [s]: 1 }] }),
      ['workflow', 0, '?'],
    ],
    ['project name', CreateProjectBodySchema, (s) => ({ name: s }), ['name']],
    ['API key name', CreateApiKeyBodySchema, (s) => ({ name: s }), ['name']],
    ['ingest url', IngestFileBodySchema, (s) => ({ url: `${url}${s}` }), ['url']],
    ['ingest filename', IngestFileBodySchema, (s) => ({ url, filename: s }), ['filename']],
    ['ingest source url', IngestSourceSchema, (s) => ({ url: `${url}${s}` }), ['url']],
    ['?filename=', UploadQuerySchema, (s) => ({ filename: s }), ['filename']],
    ['run url', RunAutomationBodySchema, (s) => ({ url: s }), ['url']],
    ['run file_id', RunAutomationBodySchema, (s) => ({ file_id: s }), ['file_id']],
    [
      'run webhook_url',
      RunAutomationBodySchema,
      (s) => ({ url, webhook_url: `https://hooks.test/${s}` }),
      ['webhook_url'],
    ],
    [
      'task webhook_url',
      CreateTaskBodySchema,
      (s) => ({ kind: 'summary', url, webhook_url: `https://hooks.test/${s}` }),
      ['webhook_url'],
    ],
    [
      'a task option',
      CreateTaskBodySchema,
      (s) => ({ kind: 'summary', url, options: { language: s } }),
      ['options', 'language'],
    ],
    ['a task source url', TaskSourceSchema, (s) => ({ url: `${url}${s}` }), ['url']],
    [
      'a condition value',
      ConditionSchema,
      (s) => ({ prop: 'format', value: s }),
      // A union: zod reports it at the condition's value.
      ['value'],
    ],
  ];

  describe.each([
    ['NUL', '\u0000', NUL],
    ['a lone surrogate', '\ud800', SURROGATE],
  ])('%s', (_name, bad, message) => {
    it.each(cases)('%s', (_field, schema, body, path) => {
      const result = schema.safeParse(body(`x${bad}y`));
      expect(result.success).toBe(false);
      const issues = result.error!.issues;
      // A bad key is reported at the key itself, whose text is the bad one.
      const expectedPath = path.map((p) => (p === '?' ? `x${bad}y` : p));
      const union = issues.find((i) => i.code === 'invalid_union');
      if (union) {
        expect(union.path).toEqual(expectedPath);
        expect(JSON.stringify(union)).toContain(message);
      } else {
        expect(issues).toContainEqual(
          expect.objectContaining({
            path: expectedPath,
            message: expectedPath.at(-1) === `x${bad}y` ? `key ${message}` : message,
          }),
        );
      }
    });
  });
});
