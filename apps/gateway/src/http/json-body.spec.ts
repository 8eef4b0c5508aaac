import { MediaflowError } from '@mediaflow/contracts';
import { MAX_JSON_DEPTH, nestingPastLimit, parseJsonBody, prototypeKeyIn } from './json-body';

function refusal(body: string | Buffer): MediaflowError {
  try {
    parseJsonBody(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  } catch (error) {
    expect(error).toBeInstanceOf(MediaflowError);
    return error as MediaflowError;
  }
  throw new Error('the body was accepted');
}

describe('parseJsonBody', () => {
  it('parses JSON, dropping a byte order mark', () => {
    expect(parseJsonBody(Buffer.from('{"name":"é 😀","n":[1,null]}'))).toEqual({
      name: 'é 😀',
      n: [1, null],
    });
    expect(parseJsonBody(Buffer.from('\ufeff{"a":1}'))).toEqual({ a: 1 });
  });

  it.each([
    ['an empty body', '', 'The request body is empty, but its Content-Type is application/json'],
    ['a body cut short', '{"name": "x",', 'The request body is not valid JSON: it ends too early'],
    ['a body cut shorter', '{"name":', 'The request body is not valid JSON: it ends too early'],
    ['text after the value', '{"a":1}x', 'The request body is not valid JSON at line 1, column 8'],
    [
      'a missing comma, with where it is',
      '{\n  "name": "x"\n  "workflow": []\n}',
      'The request body is not valid JSON at line 3, column 3',
    ],
    ['a bare word', 'name=x', 'The request body is not valid JSON'],
  ])('refuses %s', (_name, body, message) => {
    const error = refusal(body);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe(message);
    expect(error.details).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8 rather than replacing them', () => {
    // `{"name":"<0xff>"}`, and a surrogate encoded as UTF-8 bytes (CESU-8), which UTF-8 forbids.
    for (const bytes of [[0xff], [0xed, 0xa0, 0x80]]) {
      const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(refusal(body).message).toBe('The request body is not valid UTF-8');
    }
  });

  it.each([
    ['__proto__ at the top', '{"__proto__":{"admin":true},"name":"x"}', '__proto__', '__proto__'],
    [
      '__proto__ deep in a workflow',
      '{"workflow":[{"kind":"video","options":{"__proto__":{"x":1}}}]}',
      '__proto__',
      'workflow[0].options.__proto__',
    ],
    [
      'constructor.prototype',
      '{"name":"x","constructor":{"prototype":{"admin":true}}}',
      'constructor.prototype',
      'constructor.prototype',
    ],
    ['__proto__ written as an escape', '{"\\u005f_proto__":{}}', '__proto__', '__proto__'],
  ])('refuses %s, naming the key and its path', (_name, body, key, path) => {
    const error = refusal(body);
    expect(error.toBody()).toEqual({
      code: 'validation_failed',
      message: `The request body has a key that is not allowed: ${key}`,
      details: [{ path, message: 'is not an allowed key' }],
    });
  });

  it('takes a body nested exactly to the limit, and the deepest workflow there can be', () => {
    const atLimit = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonBody(Buffer.from(atLimit))).toBeDefined();
    // 8 steps deep (WORKFLOW_LIMITS.maxDepth), a conditions step at the bottom with a list.
    let steps: unknown = [
      { kind: 'conditions', conditions: [{ field: 'format', op: 'in', value: ['mp4'] }] },
    ];
    for (let i = 0; i < 7; i++) steps = [{ kind: 'video', options: { width: 64 }, next: steps }];
    const body = JSON.stringify({ name: 'deep', workflow: steps });
    expect(nestingPastLimit(body, 20)).toBeUndefined();
    expect(parseJsonBody(Buffer.from(body))).toEqual(JSON.parse(body));
  });

  it.each([
    ['arrays', (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`],
    ['objects', (d: number) => `${'{"a":'.repeat(d - 1)}{}${'}'.repeat(d - 1)}`],
    [
      'a workflow',
      (d: number) => `{"workflow":[${'{"kind":"image","next":['.repeat(d)}${']}'.repeat(d)}]}`,
    ],
  ])(
    'refuses %s nested past the limit, saying where, before anything recurses into them',
    (_name, nest) => {
      for (const depth of [MAX_JSON_DEPTH + 1, 3000, 100_000]) {
        const text = nest(depth);
        const error = refusal(text);
        expect(error.code).toBe('validation_failed');
        expect(error.message).toMatch(
          new RegExp(
            `^The request body nests arrays and objects more than ${MAX_JSON_DEPTH} deep at line 1, column \\d+$`,
          ),
        );
      }
    },
  );

  it('accepts a key named constructor that holds no prototype', () => {
    expect(parseJsonBody(Buffer.from('{"constructor":"x","prototype":1}'))).toEqual({
      constructor: 'x',
      prototype: 1,
    });
  });
});

describe('prototypeKeyIn', () => {
  it('walks a body nested far deeper than the call stack would allow', () => {
    const depth = 100_000;
    const body = `${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}`;
    expect(prototypeKeyIn(JSON.parse(body))?.path).toHaveLength(depth + 1);
  });
});

describe('nestingPastLimit', () => {
  it.each([
    ['flat values', '"x"', 0, undefined],
    ['one level', '[1,{"a":2}]', 2, undefined],
    ['the first bracket past the limit', '[[[[]]]]', 2, 2],
    ['objects and arrays alike', '{"a":[{"b":[]}]}', 3, 11],
    ['brackets inside strings', '["[[[{{{", "\\"[[["]', 1, undefined],
    ['an escaped backslash before a closing quote', '["\\\\", [[]]]', 2, 8],
    ['siblings, each shallow', '[[],[],[[]]]', 3, undefined],
  ])('finds %s', (_name, text, maxDepth, at) => {
    expect(nestingPastLimit(text, maxDepth)).toBe(at);
  });
});
