import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@mediaflow/config';
import { TEXT_PROBLEMS } from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus } from '@mediaflow/messaging';
import { startGateway, type RunningGateway } from '../src/bootstrap';
import { gatewayConfigSchema } from '../src/config';
import { UNAVAILABLE_RETRY_AFTER_S } from '../src/http/error-envelope.filter';
import { FakeRegistry } from './fake-registry';
import { call, freePort, type Answer, type CallOptions } from './http-client';

// Against the real PostgreSQL and NATS, with the registry faked on the bus and no scheduler at all.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;
const AUTOMATION_ID = 'auto_abcdefgh12345678';
const SOURCE_URL = 'https://media.test/in.mp4';

/** A TCP proxy to PostgreSQL that a test can cut, as a database restart would. */
class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((client) => {
    const upstream = connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** Refuses new connections and drops the open ones. */
  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** The envelope and nothing else, and none of the URL the client sent. */
function expectEnvelope(answer: Answer, status: number, code: string, message?: string): void {
  expect({ status: answer.status, body: answer.body }).toEqual({
    status,
    body: { error: { code, message: message ?? expect.any(String) } },
  });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('error answers (real PostgreSQL and NATS, fake registry, no scheduler)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let bus: NatsMessageBus;
  let registry: FakeRegistry;
  let gateway: RunningGateway;
  let prefix: string;

  const configFor = async (databaseUrl: string) =>
    parseConfig(gatewayConfigSchema, {
      DATABASE_URL: databaseUrl,
      NATS_URL,
      NATS_SUBJECT_PREFIX: prefix,
      NATS_REQUEST_TIMEOUT_MS: '2000',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MEDIAFLOW_API_KEY: ADMIN_KEY,
      MEDIAFLOW_DATA_DIR: dataDir,
    });

  const admin = (method: string, path: string, options: CallOptions = {}) =>
    call(gateway.url, method, path, { ...options, key: ADMIN_KEY });
  /** A body sent exactly as written (JSON.stringify would escape what these tests send raw). */
  const raw = (method: string, path: string, body: string | Buffer, type = 'application/json') =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': type },
      body,
    }).then(async (response) => {
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed } as Answer;
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-errors-'));
    prefix = `gwe${randomBytes(5).toString('hex')}`;
    bus = await NatsMessageBus.connect({ url: NATS_URL, name: 'fakes', subjectPrefix: prefix });
    registry = new FakeRegistry(bus);
    await registry.start();
    gateway = await startGateway(await configFor(db.url), { shutdownHooks: false });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await registry?.stop();
    await bus?.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe('text PostgreSQL cannot store: 400 naming the path, never a 500', () => {
    const workflow = [{ kind: 'summary' }];
    /** Each place a client writes text, with where the detail must point. */
    const fields: [string, string, string, (bad: string) => unknown, string][] = [
      ['POST', '/projects', 'project name', (s) => ({ name: s }), 'name'],
      ['POST', '/api-keys', 'API key name', (s) => ({ name: s }), 'name'],
      ['POST', '/automations', 'automation name', (s) => ({ name: s, workflow }), 'name'],
      [
        'POST',
        '/automations',
        'automation description',
        (s) => ({ name: 'n', description: s, workflow }),
        'description',
      ],
      [
        'POST',
        '/automations',
        'a step option',
        (s) => ({ name: 'n', workflow: [{ kind: 'video', options: { filename: s } }] }),
        'workflow[0].options.filename',
      ],
      [
        'POST',
        '/automations',
        'a flat step option',
        (s) => ({ name: 'n', workflow: [{ kind: 'summary', language: s }] }),
        'workflow[0].language',
      ],
      [
        'POST',
        '/automations',
        'a condition value',
        (s) => ({
          name: 'n',
          workflow: [
            { kind: 'conditions', conditions: [{ prop: 'format', value: s }], next: workflow },
          ],
        }),
        'workflow[0].conditions[0].value',
      ],
      [
        'PATCH',
        `/automations/${AUTOMATION_ID}`,
        'an updated description',
        (s) => ({ description: s }),
        'description',
      ],
      [
        'POST',
        `/automations/${AUTOMATION_ID}/run`,
        'a run url',
        (s) => ({ url: `${SOURCE_URL}?v=${s}` }),
        'url',
      ],
      [
        'POST',
        `/automations/${AUTOMATION_ID}/run`,
        'a run webhook_url',
        (s) => ({ url: SOURCE_URL, webhook_url: `https://hooks.test/${s}` }),
        'webhook_url',
      ],
      [
        'POST',
        '/tasks',
        'a task url',
        (s) => ({ kind: 'summary', url: `${SOURCE_URL}${s}` }),
        'url',
      ],
      [
        'POST',
        '/tasks',
        'a task webhook_url',
        (s) => ({ kind: 'summary', url: SOURCE_URL, webhook_url: `https://hooks.test/${s}` }),
        'webhook_url',
      ],
      [
        'POST',
        '/tasks',
        'a task option',
        (s) => ({ kind: 'summary', url: SOURCE_URL, options: { language: s } }),
        'options.language',
      ],
      [
        'POST',
        '/tasks',
        'a step of an ad-hoc workflow',
        (s) => ({
          kind: 'workflow',
          url: SOURCE_URL,
          workflow: [{ kind: 'image', options: { filename: s } }],
        }),
        'workflow[0].options.filename',
      ],
      ['POST', '/files', 'a file url', (s) => ({ url: `${SOURCE_URL}#${s}` }), 'url'],
      [
        'POST',
        '/files',
        'a file name',
        (s) => ({ url: SOURCE_URL, filename: `clip${s}.mp4` }),
        'filename',
      ],
    ];

    describe.each([
      ['NUL', '\u0000', TEXT_PROBLEMS.nul],
      ['a lone surrogate', '\ud83d', TEXT_PROBLEMS.unpairedSurrogate],
    ])('%s', (_name, bad, message) => {
      it.each(fields)('%s %s: %s', async (method, path, _field, body, at) => {
        const before = registry.calls.length;
        // JSON.stringify writes both as \u escapes: valid JSON and valid UTF-8 on the wire.
        const answer = await admin(method, path, { json: body(bad) });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toEqual({
          code: 'validation_failed',
          message: 'The request body is invalid',
          details: [{ path: at, message }],
        });
        expect(registry.calls.length).toBe(before);
      });

      it('in an object key', async () => {
        const answer = await admin('POST', '/tasks', {
          json: { kind: 'summary', url: SOURCE_URL, options: { [`lang${bad}`]: 'en' } },
        });
        expect(answer.status).toBe(400);
        expect(answer.body.error.details).toEqual([
          { path: `options[${JSON.stringify(`lang${bad}`)}]`, message: `key ${message}` },
        ]);
      });
    });

    it('in ?filename= of an upload, before a byte of it is stored', async () => {
      const answer = await raw('POST', '/files?filename=clip%00.mp4', 'bytes', 'video/mp4');
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'validation_failed',
        message: 'The query string is invalid',
        details: [{ path: 'filename', message: TEXT_PROBLEMS.nul }],
      });
    });

    it.each([
      ['GET', `/automations/auto_%00`],
      ['DELETE', `/automations/auto_%00`],
      ['GET', `/tasks/task_%00`],
      ['GET', `/files/file_%00`],
      ['DELETE', `/api-keys/key_%00`],
    ])('in an id in the path: %s %s', async (method, path) => {
      const before = registry.calls.length;
      const answer = await admin(method, path);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'validation_failed',
        message: 'The path is invalid',
        details: [{ path: 'id', message: TEXT_PROBLEMS.nul }],
      });
      expect(registry.calls.length).toBe(before);
    });

    it('refuses bytes that are not UTF-8 rather than storing U+FFFD', async () => {
      const body = Buffer.concat([
        Buffer.from('{"name":"a'),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ]);
      const answer = await raw('POST', '/projects', body);
      expectEnvelope(answer, 400, 'validation_failed', 'The request body is not valid UTF-8');
    });
  });

  describe('framework-level errors answer the envelope with a true message', () => {
    it('414 for a 2,000-character id, without echoing it', async () => {
      const id = 'a'.repeat(2000);
      const answer = await admin('GET', `/automations/${id}`);
      expectEnvelope(answer, 414, 'uri_too_long', 'A path segment is longer than 100 characters');
      expect(answer.text).not.toContain('aaaaaaaaaa');
    });

    it('400 for a path segment that is not UTF-8 once decoded, without echoing it', async () => {
      const answer = await admin('GET', '/automations/auto_%FFmarker');
      expectEnvelope(
        answer,
        400,
        'validation_failed',
        'The path is not valid: a percent-encoded segment is not UTF-8',
      );
      expect(answer.text).not.toContain('marker');
    });

    it('431 for a URL longer than Node reads, without echoing it', async () => {
      const answer = await admin('GET', `/automations?marker=${'x'.repeat(20_000)}`);
      expectEnvelope(answer, 431, 'headers_too_large');
      expect(answer.body.error.message).toMatch(
        /^The request headers, the URL included, are larger than \d+ KB$/,
      );
      expect(answer.text).not.toContain('marker');
    });

    it('413 for a body over 256 KB', async () => {
      const body = JSON.stringify({ name: 'x'.repeat(300 * 1024) });
      const answer = await raw('POST', '/projects', body);
      expectEnvelope(answer, 413, 'payload_too_large', 'The request body is larger than 256 KB');
    });

    it('415 for a body that is not JSON', async () => {
      const answer = await raw('POST', '/projects', 'name=x', 'application/x-www-form-urlencoded');
      expectEnvelope(
        answer,
        415,
        'unsupported_media_type',
        'Content-Type must be application/json',
      );
    });

    it.each([
      [
        'a body cut short',
        '{"name": "x",',
        'The request body is not valid JSON: it ends too early',
      ],
      [
        'a missing comma',
        '{\n  "name": "x"\n  "more": 1\n}',
        'The request body is not valid JSON at line 3, column 3',
      ],
      ['an empty body', '', 'The request body is empty, but its Content-Type is application/json'],
    ])('400 for %s, saying what is wrong', async (_name, body, message) => {
      expectEnvelope(await raw('POST', '/projects', body), 400, 'validation_failed', message);
    });

    it('400 for a body nested past 64 levels, an Idempotency-Key with it (its fingerprint overflowed the stack: a 500)', async () => {
      const depth = 3000;
      const options = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const answer = await fetch(`${gateway.url}/tasks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': 'deep-body',
        },
        body: `{"kind":"image","url":"${SOURCE_URL}","options":${options}}`,
      });
      expect({ status: answer.status, body: await answer.json() }).toEqual({
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message:
              'The request body nests arrays and objects more than 64 deep at line 1, column 376',
          },
        },
      });
    });

    it.each([
      ['{"name":"x","__proto__":{"admin":true}}', '__proto__', '__proto__'],
      [
        '{"name":"x","constructor":{"prototype":{"admin":true}}}',
        'constructor.prototype',
        'constructor.prototype',
      ],
      [
        '{"name":"x","workflow":[{"kind":"summary","options":{"__proto__":{}}}]}',
        '__proto__',
        'workflow[0].options.__proto__',
      ],
    ])('400 saying the key is not allowed: %s', async (body, key, path) => {
      const before = registry.calls.length;
      const answer = await raw('POST', '/automations', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: {
          code: 'validation_failed',
          message: `The request body has a key that is not allowed: ${key}`,
          details: [{ path, message: 'is not an allowed key' }],
        },
      });
      expect(registry.calls.length).toBe(before);
    });

    it('404 for an unknown route, with or without a key, without echoing the path', async () => {
      for (const key of [undefined, ADMIN_KEY]) {
        const answer = await call(gateway.url, 'GET', '/no-such-thing/marker', { key });
        expectEnvelope(
          answer,
          404,
          'not_found',
          'No route matches this path; /openapi.json lists them all',
        );
        expect(answer.text).not.toContain('marker');
      }
    });

    it('405 with Allow for a path that takes other methods', async () => {
      const answer = await admin('PUT', '/automations');
      expectEnvelope(
        answer,
        405,
        'method_not_allowed',
        'This path does not take PUT; it takes GET, HEAD, POST',
      );
      expect(answer.headers.get('allow')).toBe('GET, HEAD, POST');
      const run = await admin('GET', `/automations/${AUTOMATION_ID}/run`);
      expect(run.status).toBe(405);
      expect(run.headers.get('allow')).toBe('POST');
    });
  });

  describe('503 while a dependency is down, with Retry-After', () => {
    const retryAfter = String(UNAVAILABLE_RETRY_AFTER_S);

    it('when no scheduler answers', async () => {
      for (const [method, path, json] of [
        ['GET', '/tasks/task_abcdefgh12345678', undefined],
        ['GET', '/files', undefined],
        ['POST', '/tasks', { kind: 'summary', url: SOURCE_URL }],
      ] as const) {
        const answer = await admin(method, path, { json });
        expectEnvelope(answer, 503, 'service_unavailable');
        expect(answer.body.error.message).toMatch(/^No service is answering scheduler\./);
        expect(answer.headers.get('retry-after')).toBe(retryAfter);
      }
    });

    it('when no registry answers', async () => {
      await registry.stop();
      try {
        const answer = await admin('GET', `/automations/${AUTOMATION_ID}`);
        expectEnvelope(answer, 503, 'service_unavailable');
        expect(answer.headers.get('retry-after')).toBe(retryAfter);
      } finally {
        await registry.start();
      }
      const back = await admin('GET', '/automations');
      expect(back.status).toBe(200);
      expect(back.headers.get('retry-after')).toBeNull();
    });

    it('when PostgreSQL goes away, and not once it is back', async () => {
      const target = new URL(db.url);
      const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const through = new URL(db.url);
      through.port = String(await proxy.listen());
      const cut = await startGateway(await configFor(through.toString()), { shutdownHooks: false });
      try {
        const before = await call(cut.url, 'GET', '/api-keys', { key: ADMIN_KEY });
        expect(before.status).toBe(200);
        await proxy.cut();
        // Every authenticated request reads the key from the database first.
        for (let i = 0; i < 2; i++) {
          const answer = await call(cut.url, 'GET', '/api-keys', { key: ADMIN_KEY });
          expectEnvelope(answer, 503, 'service_unavailable');
          expect(answer.headers.get('retry-after')).toBe(retryAfter);
          // Nor the address it could not reach: that is for the log.
          expect(answer.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|terminated/);
        }
        expect((await admin('GET', '/api-keys')).headers.get('retry-after')).toBeNull();
      } finally {
        await cut.close();
      }
    });
  });
});
