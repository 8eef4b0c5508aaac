import fc from 'fast-check';
import { client, Fixtures, FixtureServer, System } from '@mediaflow/testing';
import { validValue, type JsonSchema, type SchemaContext } from './support/json-schema-arbitrary';
import {
  hostileString,
  invalidValue,
  jsonText,
  nestedJson,
  RawJson,
} from './support/json-mutations';
import {
  OpenApiConformance,
  operationsOf,
  type Answer,
  type Operation,
} from './support/openapi-conformance';
import {
  describeExchange,
  send,
  traitsOf,
  type Auth,
  type FuzzBody,
  type FuzzRequest,
  type Keys,
} from './support/fuzz-request';
import { cpuSeconds } from './support/process-cpu';

// Every operation of the OpenAPI document the gateway serves, called with
// requests generated from the document itself: valid ones, and ones broken
// in one place (path, query, headers, body or key). Every answer must be a
// status the document lists for the operation (or one it says any request
// may get), with a body matching the schema it gives for that status; no
// 5xx, as every service runs. A request the document refuses must not be
// accepted, nor one it accepts refused for its parameters; a key that is
// missing or wrong must get a 401; and afterwards the service is still
// healthy, and idle once every task made here is cancelled.
//
// Fixed seed (MEDIAFLOW_FUZZ_SEED overrides it; fast-check prints the seed
// and the path of a failure). No shrinking (endOnFailure): every step of a
// shrink would be another request against a live system the first one
// changed; the failure message carries the exact request and answer instead.

const SEED = Number(process.env.MEDIAFLOW_FUZZ_SEED ?? 20261207);
/**
 * Only the operations whose `METHOD /path` holds one of these, comma-separated
 * (`MEDIAFLOW_FUZZ_ONLY="POST /tasks,GET /files"`), to run a failure again
 * quickly: each keeps its seed, though the ids it draws may differ (the
 * pools grow with what the other operations made).
 */
const ONLY = process.env.MEDIAFLOW_FUZZ_ONLY?.split(',').map((part) => part.trim());
// Runs per operation: with 29 operations, about 3,400 requests and 1 min 30 s
// for the whole file on the 2-core machine (3 min 30 s while other builds
// kept it at a load of 20).
const VALID_RUNS = 40;
const INVALID_RUNS = 75;

const PREFIX: Record<string, string> = {
  automations: 'auto',
  tasks: 'task',
  files: 'file',
  'api-keys': 'key',
  projects: 'prj',
};

/** Routes whose every request the document accepts must succeed: no rule beyond the schema can refuse it. */
const ACCEPTS_EVERY_VALID = new Set([
  'GET /api-keys',
  'POST /api-keys',
  'GET /automations',
  'GET /tasks',
  'GET /files',
  'GET /webhook-secret',
  'POST /projects',
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
]);

type Mode = 'valid' | 'invalid';
type Part = 'path' | 'query' | 'headers' | 'body' | 'auth';

const keyOf = (op: Operation) => `${op.method} ${op.path}`;
const printable = (min: number, max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: min,
    maxLength: max,
  });

describe('the HTTP API fuzzed from its OpenAPI document', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  let doc: JsonSchema;
  let conformance: OpenApiConformance;
  let operations: Operation[];
  let keys: Keys;
  let ctx: SchemaContext;
  let photo: Buffer;
  /** Ids of real objects, grown by what the fuzzing makes: path parameters pick from them. */
  const pools: Record<string, string[]> = { auto: [], task: [], file: [], key: [], prj: [] };
  const seeded = new Set<string>();

  beforeAll(async () => {
    photo = await fixtures.jpeg('photo.jpg', 64, 48).then(() => fixtures.bytes('photo.jpg'));
    fixtures.write('notes.txt', 'not media at all\n');
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(
      ['automation-registry', 'scheduler', 'worker-video', 'worker-image', 'gateway'],
      // An ingest still running after 15 s answers 202, well inside a request's 30 s here.
      // Hundreds of bad keys come from this one address, and bursts from one
      // project: the lockout and the rate limit are tested on their own, and
      // would only turn the rest of this file into 429s.
      {
        MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
        MEDIAFLOW_FILE_WAIT_MS: '15000',
        MEDIAFLOW_AUTH_FAILURE_LIMIT: '100000',
        MEDIAFLOW_RATE_LIMIT_RPS: '10000',
        // Tasks made here are cancelled at once: one at a time is all they need.
        MEDIAFLOW_WORKER_CONCURRENCY: '1',
      },
    );
    api = client(system.baseUrl, system.adminKey);
    const served = await fetch(`${system.baseUrl}/openapi.json`);
    expect(served.status).toBe(200);
    doc = (await served.json()) as JsonSchema;
    conformance = new OpenApiConformance(doc);
    operations = operationsOf(doc);

    const other = await api('POST', '/projects', { body: { name: 'fuzz: another project' } });
    expect(other.status).toBe(201);
    keys = { admin: system.adminKey, otherProject: other.body.api_key.secret };
    // Never the admin's own project: its limits changed at random would throttle the rest.
    pools.prj!.push(other.body.project.id);
    const step = [{ kind: 'image', options: { width: 32 } }];
    for (const status of ['active', 'paused']) {
      const made = await api('POST', '/automations', {
        body: { name: `fuzz ${status}`, workflow: step, status },
      });
      pools.auto!.push(made.body.id);
    }
    const upload = await api('POST', '/files?filename=photo.jpg', {
      data: photo,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(upload.status).toBe(201);
    pools.file!.push(upload.body.id);
    const task = await api('POST', '/tasks', {
      body: { kind: 'image', file_id: upload.body.id, options: { width: 16 } },
      headers: { prefer: 'wait=10' },
    });
    pools.task!.push(task.body.id);
    const key = await api('POST', '/api-keys', { body: { name: 'fuzz: a key' } });
    pools.key!.push(key.body.id);
    for (const ids of Object.values(pools)) for (const id of ids) seeded.add(id);

    const fixtureUrl = (name: string) =>
      fc
        .string({ maxLength: 8 })
        .map((q) => `${files.url(name)}${q ? `?q=${encodeURIComponent(q)}` : ''}`);
    ctx = {
      resolve: conformance.resolve,
      // Only this machine: the fixture server (a picture, a text, a 404, a
      // redirect), a closed port, loopback IPv6 (not allowed) and schemes
      // that must be refused without a connection.
      url: fc.oneof(
        { weight: 3, arbitrary: fixtureUrl('photo.jpg') },
        fixtureUrl('notes.txt'),
        fixtureUrl('missing.jpg'),
        fc.constant(files.redirectTo(files.url('photo.jpg'))),
        fc.constantFrom(
          'http://127.0.0.1:1/closed.jpg',
          'http://[::1]:9/forbidden.jpg',
          'file:///etc/passwd',
          'data:image/png;base64,iVBORw0KGgo=',
          'ftp://127.0.0.1/x.jpg',
        ),
      ),
      byName: {
        file_id: pick('file'),
        automation_id: fc.oneof(pick('auto'), fc.stringMatching(/^auto_[a-z0-9]{16}$/)),
      },
      kindOptions: (kind) =>
        doc.components.schemas[`${kind.charAt(0).toUpperCase()}${kind.slice(1)}Options`],
    };
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  /**
   * An id from a pool, read when drawn: pools grow as the fuzzing makes
   * objects. What is to be deleted is one the fuzzing made, so that the
   * objects made first stay for every route to find.
   */
  function pick(pool: string, toDelete = false): fc.Arbitrary<string> {
    return fc.nat().map((i) => {
      const ids = (pools[pool] ?? []).filter((id) => !toDelete || !seeded.has(id));
      return ids.length ? ids[i % ids.length]! : `${pool}_0000000000000000`;
    });
  }

  // --- path parameters -----------------------------------------------------

  function pathParam(op: Operation, mode: Mode): fc.Arbitrary<{ value: string } | { raw: string }> {
    const prefix = PREFIX[op.path.split('/')[1]!] ?? 'x';
    const notDots = (s: string) => s !== '.' && s !== '..';
    if (mode === 'valid')
      return fc
        .oneof(
          { weight: 4, arbitrary: pick(prefix, op.method === 'DELETE') },
          fc.stringMatching(/^[a-z0-9]{16}$/).map((s) => `${prefix}_${s}`),
          // An id of another kind of object.
          fc.constantFrom('auto', 'task', 'file', 'key').chain((other) => pick(other)),
        )
        .map((value) => ({ value }));
    return fc.oneof(
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
        .filter(notDots)
        .map((value) => ({ value })),
      fc
        .string({ unit: 'binary', minLength: 1, maxLength: 30 })
        .filter(notDots)
        .map((value) => ({ value })),
      // Over the 100 characters a path segment may have: 414.
      fc.integer({ min: 101, max: 400 }).map((n) => ({ value: `${prefix}_${'a'.repeat(n)}` })),
      hostileString
        .filter((s) => s.length > 0 && notDots(s) && s.length <= 100)
        .map((value) => ({ value })),
      // Sent as they are: a lone surrogate's bytes, NUL, and escapes that are no UTF-8.
      fc
        .constantFrom('%ED%A0%80', '%00', 'a%00b', '%zz', '%FF', '%C0%80', 'task_%E2%82')
        .map((raw) => ({ raw })),
    );
  }

  // --- query ------------------------------------------------------------------

  /** Whether a query value is one the parameter's schema takes: 'unclear' when readers may differ. */
  function queryVerdict(schema: JsonSchema, value: string): 'valid' | 'invalid' | 'unclear' {
    if (value === '') return 'unclear';
    if (schema.type === 'integer') {
      if (/^-?\d+$/.test(value)) {
        const n = Number(value);
        return n >= (schema.minimum ?? -Infinity) &&
          n <= (schema.maximum ?? Infinity) &&
          Number.isSafeInteger(n)
          ? 'valid'
          : 'invalid';
      }
      return /\d/.test(value) && !/^-?\d+\.\d*[1-9]/.test(value) ? 'unclear' : 'invalid';
    }
    if (schema.enum) return schema.enum.includes(value) ? 'valid' : 'invalid';
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return 'invalid';
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return 'invalid';
    if (schema.minLength !== undefined && [...value].length < schema.minLength) return 'invalid';
    return 'valid';
  }

  function query(
    op: Operation,
    mode: Mode,
  ): fc.Arbitrary<{ pairs: [string, string][]; refused?: string }> {
    const declared: JsonSchema[] = (op.spec.parameters ?? []).filter(
      (p: JsonSchema) => p.in === 'query',
    );
    const valid = fc
      .tuple(
        ...declared.map((p) =>
          fc.option(validValue(p.schema, ctx, 0, p.name).map(String), { nil: undefined }),
        ),
      )
      .map((values) =>
        values.flatMap((v, i): [string, string][] =>
          v === undefined ? [] : [[declared[i]!.name, v]],
        ),
      );
    if (mode === 'valid') return valid.map((pairs) => ({ pairs }));
    const garbage = fc.oneof(
      fc.constantFrom(
        'abc',
        '',
        '-1',
        '0',
        '1.5',
        '1e3',
        '0x10',
        ' 1',
        '１',
        'NaN',
        'Infinity',
        'true',
        '[]',
        '9'.repeat(30),
        '101',
      ),
      hostileString,
    );
    const broken: fc.Arbitrary<[string, string]> = declared.length
      ? fc.oneof(
          {
            weight: 3,
            arbitrary: fc.tuple(fc.constantFrom(...declared.map((p) => p.name as string)), garbage),
          },
          fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), garbage),
        )
      : fc.tuple(
          fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), hostileString),
          garbage,
        );
    return fc.tuple(valid, fc.array(broken, { minLength: 1, maxLength: 3 })).map(([good, bad]) => {
      const pairs = [...good, ...bad];
      const refused = declared
        .map((p) => {
          const values = pairs.filter(([k]) => k === p.name).map(([, v]) => v);
          return values.length === 1 && queryVerdict(p.schema, values[0]!) === 'invalid'
            ? `query ${p.name}=${JSON.stringify(values[0])} is outside its schema`
            : undefined;
        })
        .find(Boolean);
      return { pairs, refused };
    });
  }

  // --- headers ----------------------------------------------------------------

  /** A value of the header parameter `param`, and why the document refuses it, if it does. */
  function headerValue(
    param: JsonSchema,
    mode: Mode,
  ): fc.Arbitrary<{ value: string; refused?: string }> {
    const name: string = param.name;
    switch (name.toLowerCase()) {
      case 'idempotency-key':
        return mode === 'valid'
          ? printable(1, 60).map((value) => ({ value: `fuzz-${value}` }))
          : fc.oneof(
              printable(256, 320).map((value) => ({
                value,
                refused: 'an Idempotency-Key over 255 characters',
              })),
              printable(1, 20).map((v) => ({
                value: `${v}é`,
                refused: 'an Idempotency-Key not printable ASCII',
              })),
            );
      case 'prefer':
        // Never a long wait: a task no worker here takes (speech) would hold the answer for it.
        return fc
          .constantFrom(
            'wait=0',
            'wait=1',
            'wait=2',
            'respond-async',
            'wait=abc',
            'return=minimal, wait=1',
            'wait=-1',
            'wait=1.5',
            '',
          )
          .map((value) => ({ value }));
      case 'range':
        return fc
          .oneof(
            fc.constantFrom(
              'bytes=0-10',
              'bytes=5-',
              'bytes=-5',
              'bytes=0-0',
              'bytes=999999999-',
              'bytes=10-5',
              'bytes=0-1,4-5',
              'items=0-1',
              'bytes=abc',
              'bytes=-0',
            ),
            printable(0, 30),
          )
          .map((value) => ({ value }));
      default: {
        const any = fc.oneof(
          printable(0, 40),
          fc.constantFrom('*', '"x"', 'W/"x"', 'evt_0000000000000000', ''),
        );
        const schema: JsonSchema = param.schema ?? {};
        if (!schema.pattern) return any.map((value) => ({ value }));
        // A header the document gives a pattern (Last-Event-ID of the project's stream).
        if (mode === 'valid')
          return validValue(schema, ctx).map((value) => ({ value: String(value) }));
        const pattern = new RegExp(schema.pattern, 'u');
        return any
          .filter((value) => !pattern.test(value))
          .map((value) => ({ value, refused: `a ${name} outside its schema` }));
      }
    }
  }

  function headers(
    op: Operation,
    mode: Mode,
  ): fc.Arbitrary<{ headers: Record<string, string>; refused?: string }> {
    const declared: JsonSchema[] = (op.spec.parameters ?? []).filter(
      (p: JsonSchema) => p.in === 'header',
    );
    const valid = fc
      .tuple(...declared.map((p) => fc.option(headerValue(p, 'valid'), { nil: undefined })))
      .map((values) => {
        const out: Record<string, string> = {};
        values.forEach((v, i) => v !== undefined && (out[declared[i]!.name] = v.value));
        return { headers: out };
      });
    if (mode === 'valid') return valid;
    const huge = fc
      .integer({ min: 17_000, max: 40_000 })
      .map((n) => ({ 'x-fuzz-padding': 'a'.repeat(n) }));
    const odd = fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), printable(0, 60), {
      maxKeys: 4,
    });
    return fc.oneof(
      ...declared.map((p) =>
        fc.tuple(valid, headerValue(p, 'invalid')).map(([v, bad]) => ({
          headers: { ...v.headers, [p.name]: bad.value },
          refused: bad.refused,
        })),
      ),
      fc.tuple(valid, huge).map(([v, h]) => ({ headers: { ...v.headers, ...h } })),
      fc.tuple(valid, odd).map(([v, h]) => ({ headers: { ...v.headers, ...h } })),
    );
  }

  // --- bodies -----------------------------------------------------------------

  const json = (value: unknown): FuzzBody => ({
    contentType: 'application/json',
    data: jsonText(value),
  });

  /** A body, and what about it: why the document refuses it, and what was broken. */
  interface BodyDraw {
    body?: FuzzBody;
    refused?: string;
    note?: string;
  }

  /** Rules the document states in its descriptions, beside the schemas: a body breaking one is refused. */
  function proseRefusal(op: Operation, body: unknown): string | undefined {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const value = body as Record<string, unknown>;
    const key = keyOf(op);
    if (key === 'POST /tasks' || key === 'POST /automations/{id}/run') {
      if (['url', 'file_id'].filter((k) => k in value).length !== 1)
        return 'not exactly one of url and file_id';
    }
    if (key === 'POST /tasks' && typeof value.kind === 'string') {
      if (value.kind === 'workflow' && !('workflow' in value))
        return 'kind workflow without workflow';
      const options = ctx.kindOptions!(value.kind);
      if (options && 'options' in value) {
        const name = `${value.kind.charAt(0).toUpperCase()}${value.kind.slice(1)}Options`;
        if (conformance.errorsAt(`components/schemas/${name}`, value.options).length)
          return `options outside ${name}`;
      }
    }
    return undefined;
  }

  /** A valid body made to follow the descriptions' rules too. */
  function followProse(op: Operation, valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    const key = keyOf(op);
    if (key !== 'POST /tasks' && key !== 'POST /automations/{id}/run') return valid;
    const workflow = conformance.component('CreateTask').properties.workflow;
    return fc
      .tuple(valid, fc.boolean(), ctx.url, pick('file'), validValue(workflow, ctx))
      .map(([body, byUrl, url, fileId, steps]) => {
        const value = { ...(body as Record<string, unknown>) };
        delete value.url;
        delete value.file_id;
        if (byUrl) value.url = url;
        else value.file_id = fileId;
        if (key === 'POST /tasks') {
          if (value.kind === 'workflow') value.workflow ??= steps;
          else delete value.workflow;
        }
        return value;
      });
  }

  /** A `next` chain `depth` steps deep (a workflow may have 8, a body nest 64 levels), as JSON text. */
  const deepChain = (depth: number) =>
    new RawJson(
      `[${'{"kind":"image","next":['.repeat(depth - 1)}{"kind":"image","options":{"width":16}}${']}'.repeat(depth - 1)}]`,
    );

  function body(op: Operation, mode: Mode): fc.Arbitrary<BodyDraw> {
    const spec = op.spec.requestBody;
    if (!spec) {
      if (mode === 'valid' || op.method === 'GET') return fc.constant({});
      // A body on a route that takes none: JSON is read and ignored, bad JSON and other types refused.
      return fc
        .constantFrom<FuzzBody>(
          json({ a: 1 }),
          { contentType: 'application/json', data: '{' },
          { contentType: 'text/plain', data: 'hello' },
          { contentType: 'application/octet-stream', data: new Uint8Array([1, 2, 3]) },
        )
        .map((b) => ({ body: b, note: 'a body on a route that takes none' }));
    }
    const content: Record<string, JsonSchema> = spec.content;
    const schema = content['application/json']?.schema;
    const validJson = schema ? followProse(op, validValue(schema, ctx)) : undefined;
    const uploads = fc.oneof(
      fc.constant(new Uint8Array(photo)),
      fc.uint8Array({ maxLength: 2048 }),
      fc.constant(new Uint8Array(0)),
    );
    const alternatives: fc.Arbitrary<BodyDraw>[] = [];
    if (mode === 'valid') {
      if (validJson) alternatives.push(validJson.map((v) => ({ body: json(v) })));
      if (!spec.required) alternatives.push(fc.constant({}));
      if (content['multipart/form-data'])
        alternatives.push(
          fc.tuple(uploads, printable(1, 20)).map(([bytes, name]) => {
            const form = new FormData();
            form.append('file', new Blob([bytes]), name);
            return { body: { data: form } };
          }),
        );
      if (content['application/octet-stream'])
        alternatives.push(
          fc
            .tuple(
              uploads,
              fc.constantFrom('application/octet-stream', 'image/jpeg', 'video/mp4', 'text/plain'),
            )
            .map(([bytes, type]) => ({ body: { contentType: type, data: bytes } })),
        );
      return fc.oneof(...alternatives);
    }
    if (validJson) {
      alternatives.push(
        invalidValue(validJson).map(({ value, mutation, path }) => ({
          body: json(value),
          note: `${mutation} at ${path}`,
        })),
      );
      const whole = fc.constantFrom<[FuzzBody, string]>(
        [{ contentType: 'application/json', data: '{' }, 'not JSON'],
        [{ contentType: 'application/json', data: '{"a":1,}' }, 'not JSON'],
        [{ contentType: 'application/json', data: '' }, 'empty'],
        [{ contentType: 'application/json', data: 'null' }, 'null'],
        [{ contentType: 'application/json', data: '[]' }, 'an array'],
        [{ contentType: 'application/json', data: '"text"' }, 'a string'],
        [{ contentType: 'application/json', data: '42' }, 'a number'],
        [{ contentType: 'application/json', data: '\ufeff{}' }, 'a byte order mark'],
        [{ contentType: 'application/json', data: '{"__proto__":{"admin":true}}' }, '__proto__'],
        [
          { contentType: 'application/json', data: '{"constructor":{"prototype":{"x":1}}}' },
          'constructor.prototype',
        ],
        [
          {
            contentType: 'application/json',
            data: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
          },
          'not UTF-8',
        ],
        [json({ name: 'x'.repeat(300_000), url: files.url('photo.jpg') }), 'over 256 KB'],
        [{ contentType: 'application/json; charset=utf-16', data: '{}' }, 'another charset'],
        [{ contentType: 'application/x-www-form-urlencoded', data: 'name=a&url=b' }, 'a form'],
        [{ contentType: 'application/xml', data: '<a/>' }, 'XML'],
        [{ contentType: 'text/plain', data: '{}' }, 'text'],
      );
      alternatives.push(whole.map(([b, note]) => ({ body: b, note })));
      if (spec.required)
        alternatives.push(fc.constant({ note: 'no body', refused: 'the body is required' }));
      if (
        schema &&
        JSON.stringify(schema).includes('workflow') &&
        keyOf(op) !== 'POST /automations/{id}/run'
      ) {
        alternatives.push(
          fc
            .tuple(validJson, fc.noBias(fc.integer({ min: 65, max: 10_000 })))
            .map(([v, depth]) => ({
              body: json({
                ...(v as object),
                kind: (v as any).kind === undefined ? undefined : 'workflow',
                workflow: deepChain(depth),
              }),
              note: `a next chain ${depth} steps deep`,
            })),
        );
      }
    }
    if (content['multipart/form-data'])
      alternatives.push(
        fc
          .constantFrom<[FuzzBody, string]>(
            [
              {
                contentType: 'multipart/form-data; boundary=x',
                data: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
              },
              'multipart without a file',
            ],
            [
              { contentType: 'multipart/form-data; boundary=x', data: '--x\r\ngarbage' },
              'truncated multipart',
            ],
            [
              { contentType: 'multipart/form-data', data: 'no boundary' },
              'multipart without a boundary',
            ],
          )
          .map(([b, note]) => ({ body: b, note })),
      );
    return fc.oneof(...alternatives);
  }

  /** Whether the document refuses this body: then a 2xx is a finding. */
  function bodyRefusal(op: Operation, b: FuzzBody | undefined): string | undefined {
    const spec = op.spec.requestBody;
    if (!spec || !b) return undefined;
    const types = Object.keys(spec.content);
    const type = b.contentType?.split(';')[0]?.trim() ?? 'multipart/form-data';
    if (type !== 'application/json' || typeof b.data !== 'string') {
      // Uploads: any type but JSON is a raw body (the document says so of application/octet-stream).
      if (
        types.includes('application/octet-stream') &&
        type !== 'application/json' &&
        type !== 'multipart/form-data'
      )
        return undefined;
      if (types.includes(type) && type !== 'application/json') return undefined;
      return `a ${type} body where the document takes ${types.join(', ')}`;
    }
    let parsed: unknown;
    try {
      // RFC 8259 §8.1: a parser may ignore a byte order mark.
      parsed = JSON.parse(b.data.replace(/^\ufeff/, ''));
    } catch {
      return 'a body that is not JSON';
    }
    if (!conformance.requestBodyIsValid(op, parsed)) return 'a body outside the request schema';
    return proseRefusal(op, parsed);
  }

  // --- requests -----------------------------------------------------------------

  /** A key is needed, or for downloads a signature (never one the fuzzing could forge). */
  function secured(op: Operation): boolean {
    return (op.spec.security ?? doc.security ?? []).length > 0;
  }

  function request(op: Operation, mode: Mode): fc.Arbitrary<FuzzRequest> {
    const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const parts: Part[] = ['query', 'headers', 'body'];
    if (pathNames.length) parts.push('path');
    if (secured(op)) parts.push('auth');
    const build = (broken: Part | undefined) => {
      const m = (part: Part): Mode => (part === broken ? 'invalid' : 'valid');
      const auth: fc.Arbitrary<Auth> =
        broken === 'auth'
          ? fc.constantFrom<Auth>('none', 'wrong', 'malformed')
          : fc.oneof(
              { weight: 6, arbitrary: fc.constant<Auth>('admin') },
              fc.constant<Auth>('other-project'),
            );
      return fc
        .tuple(
          fc.tuple(...pathNames.map(() => pathParam(op, m('path')))),
          query(op, m('query')),
          headers(op, m('headers')),
          body(op, m('body')),
          auth,
        )
        .map(([params, q, h, b, a]): FuzzRequest => {
          const pathParams = Object.fromEntries(pathNames.map((name, i) => [name, params[i]!]));
          // Past Node's header limit (padding headers, or a query string that
          // long) the server answers 431 and closes the connection: a body
          // still being sent would end in a reset instead.
          const line = { method: op.method, template: op.path, pathParams, query: q.pairs };
          if (traitsOf({ ...line, headers: h.headers, auth: a }, keys).hugeHeaders)
            b = { note: 'headers past 16 KB' };
          const refused = q.refused ?? h.refused ?? b.refused ?? bodyRefusal(op, b.body);
          return {
            ...line,
            headers: h.headers,
            auth: a,
            body: b.body,
            refusedByDocument: refused,
            note: broken ? `${broken}${b.note ? `: ${b.note}` : ''}` : undefined,
          };
        });
    };
    return mode === 'valid'
      ? build(undefined)
      : fc.constantFrom(...parts).chain((part) => build(part));
  }

  /**
   * The event streams (`GET /tasks/{id}/events`, `GET /events/stream`) are
   * fuzzed like any route, but their 200 is read only up to the first event
   * (at most 1 s), checked against the Event schema, then cut: the project's
   * stream never ends, nor a task's whose kind no worker here takes.
   */
  const isStream = (op: Operation) =>
    Boolean(op.spec.responses?.['200']?.content?.['text/event-stream']);

  /** What the answer breaks, beyond the document's schema: [] when nothing. */
  function behaviourProblems(
    op: Operation,
    mode: Mode,
    req: FuzzRequest,
    answer: Answer,
  ): string[] {
    const problems: string[] = [];
    const ok = answer.status >= 200 && answer.status < 300;
    if (req.refusedByDocument && ok) problems.push(`accepted ${req.refusedByDocument}`);
    if (['none', 'wrong', 'malformed'].includes(req.auth) && secured(op) && answer.status !== 401)
      problems.push(`a ${answer.status} to a request with ${req.auth} key, where 401 is due`);
    if (keyOf(op) === 'POST /projects' && req.auth === 'other-project' && ok)
      problems.push('a non-admin key made a project');
    if (
      mode === 'valid' &&
      req.auth === 'admin' &&
      ACCEPTS_EVERY_VALID.has(keyOf(op)) &&
      !req.refusedByDocument &&
      !ok
    )
      problems.push(`a request the document accepts was refused`);
    // The document describes query and header parameters whole (bodies have rules in prose):
    // a 400 blaming only parameters it accepts says the two disagree.
    const details: { path?: string }[] = (answer.body as any)?.error?.details ?? [];
    const parameters = new Set((op.spec.parameters ?? []).map((p: JsonSchema) => p.name));
    if (
      mode === 'valid' &&
      answer.status === 400 &&
      !req.refusedByDocument &&
      !traitsOf(req, keys).refusedAnywhere &&
      details.length > 0 &&
      details.every((d) => parameters.has(d.path))
    )
      problems.push(`refused parameters the document accepts`);
    return problems;
  }

  /**
   * Keeps what a 2xx made for later requests, and cancels a started task so
   * none piles up: one made, or one a retry started again.
   */
  async function remember(op: Operation, made: FuzzRequest, answer: Answer): Promise<string[]> {
    const retried = keyOf(op) === 'POST /tasks/{id}/retry' && answer.status === 200;
    if (answer.status !== 201 && answer.status !== 202 && !retried) return [];
    const id = (answer.body as any)?.id as string | undefined;
    if (!id) return [];
    const prefix = id.split('_')[0]!;
    if (prefix in pools && !retried) pools[prefix]!.push(id);
    if (prefix !== 'task' || keyOf(op) === 'POST /files') return [];
    const cancelOp = operations.find((o) => keyOf(o) === 'POST /tasks/{id}/cancel')!;
    const cancel: FuzzRequest = {
      method: 'POST',
      template: '/tasks/{id}/cancel',
      pathParams: { id: { value: id } },
      query: [],
      headers: {},
      auth: made.auth,
    };
    const cancelled = await send(system.baseUrl, cancel, keys);
    const problems = conformance.problems(cancelOp, cancelled, traitsOf(cancel, keys));
    if (![200, 409].includes(cancelled.status))
      problems.push(`cancel answered ${cancelled.status}`);
    return problems.map((p) => `cancelling ${id}: ${p}`);
  }

  async function fuzz(mode: Mode, numRuns: number): Promise<string[]> {
    const failures: string[] = [];
    for (const [index, op] of operations.entries()) {
      if (ONLY && !ONLY.some((part) => keyOf(op).includes(part))) continue;
      const property = fc.asyncProperty(request(op, mode), async (req) => {
        let answer: Answer | undefined;
        try {
          answer = await send(system.baseUrl, req, keys, { stream: isStream(op) });
        } catch (error) {
          throw new Error(`${(error as Error).message}\n  ${describeExchange(req, answer)}`, {
            cause: error,
          });
        }
        const problems = [
          ...conformance.problems(op, answer, traitsOf(req, keys)),
          ...behaviourProblems(op, mode, req, answer),
          ...(await remember(op, req, answer)),
        ];
        // A 5xx: what the gateway logged about it, to say where it broke.
        if (answer.status >= 500)
          problems.push(`gateway log: ${system.app('gateway').output().slice(-1500)}`);
        if (problems.length)
          throw new Error(`${problems.join('\n  ')}\n  ${describeExchange(req, answer)}`);
      });
      const run = await fc.check(property, { seed: SEED + index, numRuns, endOnFailure: true });
      if (run.failed) {
        const error =
          run.errorInstance instanceof Error
            ? run.errorInstance.message
            : String(run.errorInstance);
        failures.push(
          `${keyOf(op)} (${mode}; MEDIAFLOW_FUZZ_SEED=${SEED} runs it again: seed ${run.seed}, path ${run.counterexamplePath}): ${error}`,
        );
      }
    }
    return failures;
  }

  it('serves a document with every route, each answer described', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(operations.length).toBeGreaterThanOrEqual(27);
    for (const op of operations)
      expect(Object.keys(op.spec.responses ?? {}).length).toBeGreaterThan(0);
  });

  it('answers requests the document accepts as it documents, on every route', async () => {
    expect(await fuzz('valid', VALID_RUNS)).toEqual([]);
  }, 300_000);

  it('answers requests broken in one place as it documents, on every route', async () => {
    expect(await fuzz('invalid', INVALID_RUNS)).toEqual([]);
  }, 300_000);

  // Drawn among the rest, a body nested that deep with an Idempotency-Key is a
  // few requests a run: here it is every one (the key's fingerprint once
  // recursed through the body and overflowed the stack past ~5,000 levels).
  it('refuses a body nested past 64 levels with a 400 on every route that reads one, an Idempotency-Key or not', async () => {
    const reading = operations.filter((op) => op.method !== 'GET' && secured(op));
    const property = fc.asyncProperty(
      fc.constantFrom(...reading),
      fc.noBias(fc.integer({ min: 65, max: 20_000 })),
      fc.boolean(),
      fc.option(printable(1, 40), { nil: undefined }),
      async (op, depth, asObject, key) => {
        const req: FuzzRequest = {
          method: op.method,
          template: op.path,
          pathParams: { id: { value: pools.task![0]! } },
          query: [],
          headers: key === undefined ? {} : { 'Idempotency-Key': `deep-${key}` },
          auth: 'admin',
          body: json({ a: nestedJson(depth, asObject) }),
        };
        const answer = await send(system.baseUrl, req, keys);
        const problems = conformance.problems(op, answer, traitsOf(req, keys));
        if (answer.status !== 400 || (answer.body as any)?.error?.code !== 'validation_failed')
          problems.push(`a ${answer.status}, not a 400 validation_failed`);
        if (problems.length)
          throw new Error(`${problems.join('\n  ')}\n  ${describeExchange(req, answer)}`);
      },
    );
    await fc.assert(property, { seed: SEED, numRuns: 40, endOnFailure: true });
  });

  it('answers 405 with the methods of the document for a method a path does not take', async () => {
    const byPath = new Map<string, Operation[]>();
    for (const op of operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
    const problems: string[] = [];
    for (const [path, ops] of byPath) {
      const methods = ops.map((o) => o.method);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
        (m) => !methods.includes(m),
      )) {
        const req: FuzzRequest = {
          method,
          template: path,
          pathParams: { id: { value: pools.task![0]! } },
          query: [],
          headers: {},
          auth: 'admin',
          body: method === 'GET' ? undefined : json({}),
        };
        const answer = await send(system.baseUrl, req, keys);
        const found = conformance.problems(ops[0]!, answer, traitsOf(req, keys, true));
        if (answer.status !== 405) found.push(`a ${answer.status}, not 405`);
        const allow = (answer.headers.get('allow') ?? '')
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m && m !== 'HEAD' && m !== 'OPTIONS');
        if (allow.sort().join() !== [...methods].sort().join())
          found.push(`Allow: ${answer.headers.get('allow')} for ${methods.join(', ')}`);
        if (found.length) problems.push(`${method} ${path}: ${found.join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('stays healthy: /health and /ready answer 200, every process runs and is idle, and a clean request still works', async () => {
    for (const path of ['/health', '/ready']) {
      const op = operations.find((o) => keyOf(o) === `GET ${path}`)!;
      const req: FuzzRequest = {
        method: 'GET',
        template: path,
        pathParams: {},
        query: [],
        headers: {},
        auth: 'none',
      };
      const answer = await send(system.baseUrl, req, keys);
      expect(answer.status).toBe(200);
      expect(conformance.problems(op, answer, traitsOf(req, keys))).toEqual([]);
    }
    for (const app of system.apps.values())
      expect({ app: app.name, exit: app.child.exitCode }).toEqual({ app: app.name, exit: null });
    // Every task made (or retried) here was cancelled: no render runs on (up to 100 megapixels of AVIF, a
    // minute and more of a core each, once did).
    // Idle, the worker takes a few hundredths of a second of CPU in 3 s; one render left running
    // took 0.54 s in 2 s, on this 2-core machine under a load of 20.
    const worker = system.app('worker-image').child.pid!;
    const before = cpuSeconds(worker);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(cpuSeconds(worker) - before).toBeLessThan(0.25);
    const task = await api('POST', '/tasks', {
      body: { kind: 'image', url: files.url('photo.jpg'), options: { width: 32, format: 'png' } },
      headers: { prefer: 'wait=20' },
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({
      status: 'completed',
      output: { width: 32, height: 24, format: 'png' },
    });
  });
});
