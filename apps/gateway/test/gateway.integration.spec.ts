import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { parseConfig } from '@mediaflow/config';
import { registryRpc } from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus } from '@mediaflow/messaging';
import { DataSource } from 'typeorm';
import { startGateway, type RunningGateway } from '../src/bootstrap';
import { gatewayConfigSchema } from '../src/config';
import { FakeRegistry } from './fake-registry';

// Against the real PostgreSQL and NATS (DATABASE_URL / NATS_URL, default the local ones).
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

interface CallOptions {
  key?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  via?: RunningGateway;
}

describe('gateway (real PostgreSQL and NATS, fake registry on the bus)', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let second: RunningGateway;
  let registryBus: NatsMessageBus;
  let registry: FakeRegistry;
  let prefix: string;

  const configFor = (port: number) =>
    parseConfig(gatewayConfigSchema, {
      DATABASE_URL: db.url,
      NATS_URL,
      NATS_SUBJECT_PREFIX: prefix,
      NATS_REQUEST_TIMEOUT_MS: '2000',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MEDIAFLOW_API_KEY: ADMIN_KEY,
    });

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${(options.via ?? gateway).url}${path}`, {
      method,
      headers,
      body,
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: tests look at `text`
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  const admin = (method: string, path: string, options: CallOptions = {}) =>
    call(method, path, { ...options, key: ADMIN_KEY });

  async function newKey(
    name?: string,
  ): Promise<{ id: string; secret: string; project_id: string }> {
    const created = await admin('POST', '/api-keys', { json: name ? { name } : {} });
    expect(created.status).toBe(201);
    return created.body;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = `gw${randomBytes(5).toString('hex')}`;
    registryBus = await NatsMessageBus.connect({
      url: NATS_URL,
      name: 'fake-registry',
      subjectPrefix: prefix,
    });
    registry = new FakeRegistry(registryBus);
    await registry.start();
    const [a, b] = await Promise.all([freePort(), freePort()]);
    // Two gateways starting together on a fresh database: migrations and startup keys must not collide.
    [gateway, second] = await Promise.all([
      startGateway(configFor(a), { shutdownHooks: false }),
      startGateway(configFor(b), { shutdownHooks: false }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([gateway?.close(), second?.close()]);
    await registry?.stop();
    await registryBus?.close();
    await db?.drop();
  });

  describe('start', () => {
    it('makes one default project and one admin key however many gateways start at once', async () => {
      const database = gateway.app.get(DataSource);
      const projects = await database.query(
        'SELECT count(*)::int AS n FROM gateway.projects WHERE is_default',
      );
      const keys = await database.query('SELECT admin, revoked_at FROM gateway.api_keys');
      expect(projects).toEqual([{ n: 1 }]);
      expect(keys).toEqual([{ admin: true, revoked_at: null }]);
      expect((await admin('GET', '/api-keys', { via: second })).status).toBe(200);
    });

    it('restores MEDIAFLOW_API_KEY as an active admin key when it was revoked', async () => {
      const mine = (await admin('GET', '/api-keys')).body.data.find(
        (k: { admin: boolean }) => k.admin,
      );
      expect((await admin('DELETE', `/api-keys/${mine.id}`)).status).toBe(200);
      expect((await admin('GET', '/api-keys')).status).toBe(401);
      // A start with the same MEDIAFLOW_API_KEY (a restart, or a third replica) makes it work again.
      const restarted = await startGateway(configFor(await freePort()), { shutdownHooks: false });
      try {
        expect((await admin('GET', '/api-keys')).status).toBe(200);
        expect((await admin('POST', '/projects', { json: { name: 'after restore' } })).status).toBe(
          201,
        );
      } finally {
        await restarted.close();
      }
    });
  });

  describe('authentication', () => {
    it('answers 401 without a key', async () => {
      const answer = await call('GET', '/api-keys');
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { code: 'unauthorized', message: expect.stringMatching(/^Missing API key/) },
      });
    });

    it('answers 401 to a malformed Authorization header', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', ADMIN_KEY]) {
        const answer = await call('GET', '/automations', { headers: { authorization } });
        expect(answer.status).toBe(401);
        expect(answer.body.error.message).toMatch(/^Missing API key/);
      }
    });

    it('answers 401 to an unknown key', async () => {
      const answer = await call('GET', '/api-keys', { key: `mf_${'x'.repeat(40)}` });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: { code: 'unauthorized', message: 'Invalid API key' } });
    });

    it('refuses a revoked key on the very next request, on every gateway', async () => {
      const key = await newKey('short-lived');
      expect((await call('GET', '/api-keys', { key: key.secret })).status).toBe(200);
      expect((await call('GET', '/api-keys', { key: key.secret, via: second })).status).toBe(200);

      const revoked = await admin('DELETE', `/api-keys/${key.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ id: key.id, object: 'api_key', deleted: true });

      for (const via of [gateway, second]) {
        const answer = await call('GET', '/api-keys', { key: key.secret, via });
        expect(answer.status).toBe(401);
        expect(answer.body.error).toEqual({ code: 'unauthorized', message: 'Invalid API key' });
      }
      expect((await admin('DELETE', `/api-keys/${key.id}`)).status).toBe(404);
    });
  });

  describe('API keys', () => {
    it('makes a key whose secret works at once and is shown only then', async () => {
      const created = await admin('POST', '/api-keys', { json: { name: 'ci' } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^key_[a-z0-9]{16}$/),
        object: 'api_key',
        name: 'ci',
        project_id: expect.stringMatching(/^prj_[a-z0-9]{16}$/),
        admin: false,
        secret: expect.stringMatching(/^mf_[A-Za-z0-9]{40}$/),
        secret_hint: created.body.secret.slice(-4),
        created_at: expect.any(Number),
        last_used_at: null,
      });
      const used = await call('GET', '/api-keys', { key: created.body.secret });
      expect(used.status).toBe(200);
      expect(used.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
    });

    it('makes a key from an empty POST', async () => {
      const bare = await call('POST', '/api-keys', { key: ADMIN_KEY });
      expect(bare.status).toBe(201);
      expect(bare.body.name).toBeNull();
    });

    it('lists keys without their secrets and notes when they were used', async () => {
      const key = await newKey('listed');
      await call('GET', '/api-keys', { key: key.secret });
      const listed = await admin('GET', '/api-keys?limit=100');
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({
        object: 'list',
        meta: { page: 1, limit: 100, total: listed.body.data.length },
      });
      expect(listed.text).not.toContain(key.secret);
      expect(listed.text).not.toContain(ADMIN_KEY);
      for (const item of listed.body.data) {
        expect(Object.keys(item).sort()).toEqual([
          'admin',
          'created_at',
          'id',
          'last_used_at',
          'name',
          'object',
          'project_id',
          'secret_hint',
        ]);
      }
      expect(listed.body.data.find((k: { id: string }) => k.id === key.id).last_used_at).toEqual(
        expect.any(Number),
      );
    });

    it('pages the list', async () => {
      await newKey('page-a');
      await newKey('page-b');
      const page = await admin('GET', '/api-keys?page=2&limit=1');
      expect(page.status).toBe(200);
      expect(page.body.data).toHaveLength(1);
      expect(page.body.meta).toMatchObject({ page: 2, limit: 1 });
      expect(page.body.meta.pages).toBe(page.body.meta.total);
    });

    it('refuses an unknown field in the body', async () => {
      const answer = await admin('POST', '/api-keys', { json: { name: 'x', admin: true } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([{ path: 'admin', message: expect.any(String) }]);
    });
  });

  describe('projects', () => {
    it('refuses a non-admin key with 403', async () => {
      const key = await newKey('not-admin');
      const answer = await call('POST', '/projects', { key: key.secret, json: { name: 'nope' } });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    });

    it('needs a name', async () => {
      const answer = await admin('POST', '/projects', { json: {} });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([{ path: 'name', message: expect.any(String) }]);
    });

    it("makes a project whose key sees only that project's keys and objects", async () => {
      const created = await admin('POST', '/projects', { json: { name: 'Acme' } });
      expect(created.status).toBe(201);
      const { project, api_key: projectKey } = created.body;
      expect(project).toEqual({
        id: expect.stringMatching(/^prj_[a-z0-9]{16}$/),
        object: 'project',
        name: 'Acme',
        created_at: expect.any(Number),
        webhook_secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
      });
      expect(projectKey).toMatchObject({ object: 'api_key', project_id: project.id, admin: false });
      expect(projectKey.secret).toMatch(/^mf_[A-Za-z0-9]{40}$/);

      const theirs = await call('GET', '/api-keys', { key: projectKey.secret });
      expect(theirs.status).toBe(200);
      expect(theirs.body.data.map((k: { id: string }) => k.id)).toEqual([projectKey.id]);
      expect(theirs.body.meta.total).toBe(1);

      // The default project's keys are invisible to it, revoking one included.
      const defaultKey = await newKey('default-project');
      expect(
        (await call('DELETE', `/api-keys/${defaultKey.id}`, { key: projectKey.secret })).status,
      ).toBe(404);
      expect((await call('GET', '/api-keys', { key: defaultKey.secret })).status).toBe(200);

      // Its automations are asked for under its own project.
      await call('GET', '/automations', { key: projectKey.secret });
      expect(registry.callsTo(registryRpc.list.subject).at(-1)?.request.project_id).toBe(
        project.id,
      );
    });
  });

  describe('automations', () => {
    const workflow = [
      { kind: 'summary' },
      { kind: 'image', options: { width: 320, format: 'png' } },
      { kind: 'subtitles' },
    ];

    it('forwards create, get, update, list and delete with the caller’s project', async () => {
      const defaultProject = (await newKey()).project_id;
      const created = await admin('POST', '/automations', {
        json: { name: 'Process uploads', workflow },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        object: 'automation',
        name: 'Process uploads',
        status: 'active',
        workflow,
      });
      const createCall = registry.callsTo(registryRpc.create.subject).at(-1)!;
      expect(createCall.request).toEqual({
        project_id: defaultProject,
        body: { name: 'Process uploads', workflow },
      });
      const id = created.body.id as string;

      expect((await admin('GET', `/automations/${id}`)).body).toEqual(created.body);

      const paused = await admin('PATCH', `/automations/${id}`, { json: { status: 'paused' } });
      expect(paused.status).toBe(200);
      expect(paused.body.status).toBe('paused');

      const listed = await admin('GET', '/automations?limit=5&status=paused&page=1');
      expect(listed.status).toBe(200);
      expect(listed.body.object).toBe('list');
      // The raw query travels to the registry, which owns its meaning.
      expect(registry.callsTo(registryRpc.list.subject).at(-1)!.request).toEqual({
        project_id: defaultProject,
        query: { limit: '5', status: 'paused', page: '1' },
      });

      const deleted = await admin('DELETE', `/automations/${id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ id, object: 'automation', deleted: true });
      const gone = await admin('GET', `/automations/${id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('not_found');
    });

    it('answers 404 for another project’s automation', async () => {
      const created = await admin('POST', '/automations', { json: { name: 'private', workflow } });
      const other = (await admin('POST', '/projects', { json: { name: 'Other' } })).body.api_key
        .secret as string;
      const answer = await call('GET', `/automations/${created.body.id}`, { key: other });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    });

    it('names every bad JSON path of a workflow without asking the registry', async () => {
      const before = registry.calls.length;
      const answer = await admin('POST', '/automations', {
        json: {
          name: 'broken',
          workflow: [
            { kind: 'video', options: { width: 99999 } },
            { kind: 'teleport' },
            { kind: 'video', next: [{ kind: 'image', options: { width: 0 } }] },
          ],
        },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      const paths = answer.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'workflow[0].options.width',
          'workflow[1].kind',
          'workflow[2].next[0].options.width',
        ]),
      );
      expect(registry.calls.length).toBe(before);
    });

    it('checks an update before forwarding it', async () => {
      const before = registry.calls.length;
      const answer = await admin('PATCH', '/automations/auto_abcdefgh12345678', {
        json: { status: 'sleeping' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([{ path: 'status', message: expect.any(String) }]);
      expect(registry.calls.length).toBe(before);
    });

    it('lists the automations of one name: names are not unique', async () => {
      const name = `Twins ${randomBytes(4).toString('hex')}`;
      const older = await admin('POST', '/automations', { json: { name, workflow } });
      const newer = await admin('POST', '/automations', { json: { name, workflow } });
      await admin('POST', '/automations', { json: { name: `${name} and more`, workflow } });
      const listed = await admin('GET', `/automations?name=${encodeURIComponent(name)}`);
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([
        newer.body.id,
        older.body.id,
      ]);
      expect(registry.callsTo(registryRpc.list.subject).at(-1)!.request.query).toEqual({ name });
    });

    it.each([
      'limit=0',
      'limit=101',
      'limit=abc',
      'page=0',
      'limit=1.5',
      'status=sleeping',
      'name=',
      `name=${'n'.repeat(201)}`,
    ])('refuses ?%s with 400', async (query) => {
      const before = registry.calls.length;
      const answer = await admin('GET', `/automations?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'validation_failed',
        message: expect.any(String),
        details: [{ path: query.split('=')[0], message: expect.any(String) }],
      });
      expect(registry.calls.length).toBe(before);
    });

    it.each(['limit=0', 'limit=101', 'limit=abc'])(
      'refuses ?%s on /api-keys too',
      async (query) => {
        expect((await admin('GET', `/api-keys?${query}`)).status).toBe(400);
      },
    );

    it('answers 503 service_unavailable when no registry answers', async () => {
      await registry.stop();
      try {
        const answer = await admin('GET', '/automations/auto_abcdefgh12345678');
        expect(answer.status).toBe(503);
        expect(answer.body).toEqual({
          error: { code: 'service_unavailable', message: expect.any(String) },
        });
      } finally {
        await registry.start();
      }
      expect((await admin('GET', '/automations')).status).toBe(200);
    });
  });

  describe('Idempotency-Key on the creates of keys, projects and automations', () => {
    const newIdempotencyKey = () => `test-${randomBytes(8).toString('hex')}`;
    const sql = <T>(query: string, params: unknown[] = []): Promise<T[]> =>
      gateway.app.get(DataSource).query(query, params);
    const keysNamed = async (name: string) =>
      (
        await sql<{ n: number }>(
          'SELECT count(*)::int AS n FROM gateway.api_keys WHERE name = $1',
          [name],
        )
      )[0]!.n;
    /** The key as a gateway killed before its transaction committed leaves it: reserved, unanswered. */
    const unanswer = (key: string) =>
      sql(
        `UPDATE gateway.idempotency_keys SET status = NULL, response = NULL, response_headers = NULL
          WHERE key = $1`,
        [key],
      );

    it('makes one API key and replays its answer, secret included', async () => {
      const name = `once-${randomBytes(4).toString('hex')}`;
      const headers = { 'idempotency-key': newIdempotencyKey() };
      const first = await admin('POST', '/api-keys', { json: { name }, headers });
      const again = await admin('POST', '/api-keys', { json: { name }, headers });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(first.body.secret).toMatch(/^mf_/);
      expect(await keysNamed(name)).toBe(1);
      // The replayed secret is the key's: it works.
      expect((await call('GET', '/api-keys', { key: again.body.secret })).status).toBe(200);
      // Another body under the key is another request.
      const other = await admin('POST', '/api-keys', { json: { name: `${name}-2` }, headers });
      expect(other.status).toBe(409);
    });

    it('makes one key for a burst of the same request, and answers each with it', async () => {
      const name = `burst-${randomBytes(4).toString('hex')}`;
      const headers = { 'idempotency-key': newIdempotencyKey() };
      // Those that come while the first makes it wait for its transaction, then answer what it recorded.
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          admin('POST', '/api-keys', { json: { name }, headers, via: i % 2 ? second : gateway }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
      for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
      expect(await keysNamed(name)).toBe(1);
    });

    it('makes the key when the first request died before its transaction committed', async () => {
      const name = `crashed-${randomBytes(4).toString('hex')}`;
      const key = newIdempotencyKey();
      const headers = { 'idempotency-key': key };
      const first = await admin('POST', '/api-keys', { json: { name }, headers });
      // The key and its answer commit together: a crash leaves neither.
      await sql('DELETE FROM gateway.api_keys WHERE id = $1', [first.body.id]);
      await unanswer(key);

      const retried = await admin('POST', '/api-keys', { json: { name }, headers });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(retried.body.id).not.toBe(first.body.id);
      expect(await keysNamed(name)).toBe(1);
      const replayed = await admin('POST', '/api-keys', { json: { name }, headers });
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.body).toEqual(retried.body);
    });

    it('makes one project with its first key, and replays it to admin keys only', async () => {
      const name = `Once ${randomBytes(4).toString('hex')}`;
      const key = newIdempotencyKey();
      const headers = { 'idempotency-key': key };
      const first = await admin('POST', '/projects', { json: { name }, headers });
      const again = await admin('POST', '/projects', { json: { name }, headers });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const projects = await sql<{ id: string }>(
        'SELECT id FROM gateway.projects WHERE name = $1',
        [name],
      );
      expect(projects).toEqual([{ id: first.body.project.id }]);
      // A key of the admin's project that is no admin gets no replay of the new project's key.
      const plain = await newKey('not-admin-replay');
      const refused = await call('POST', '/projects', {
        key: plain.secret,
        json: { name },
        headers,
      });
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain(first.body.api_key.secret);

      // Died before committing: the retry makes it, once.
      await sql('DELETE FROM gateway.projects WHERE id = $1', [first.body.project.id]);
      await unanswer(key);
      const retried = await admin('POST', '/projects', { json: { name }, headers });
      expect(retried.status).toBe(201);
      expect(retried.body.project.id).not.toBe(first.body.project.id);
      expect(
        (await call('GET', '/api-keys', { key: retried.body.api_key.secret })).body.data,
      ).toEqual([expect.objectContaining({ id: retried.body.api_key.id })]);
    });

    it('passes the claim to the registry, and resumes it after a crash: one automation', async () => {
      const key = newIdempotencyKey();
      const headers = { 'idempotency-key': key };
      const body = { name: 'Idempotent', workflow: [{ kind: 'summary' }] };
      const creates = () => registry.callsTo(registryRpc.create.subject);
      const before = creates().length;
      const first = await admin('POST', '/automations', { json: body, headers });
      const again = await admin('POST', '/automations', { json: body, headers });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(creates().length).toBe(before + 1);
      const [reserved] = await sql<{ claim_id: string }>(
        'SELECT claim_id FROM gateway.idempotency_keys WHERE key = $1',
        [key],
      );
      const claim = reserved!.claim_id;
      expect(creates().at(-1)!.request.idempotency_key).toBe(claim);

      // The gateway died after the registry made it: the retry asks again under the same claim.
      await unanswer(key);
      const resumed = await admin('POST', '/automations', { json: body, headers });
      expect(resumed.status).toBe(201);
      expect(resumed.headers.get('idempotent-replayed')).toBeNull();
      expect(resumed.body.id).toBe(first.body.id);
      expect(creates().at(-1)!.request.idempotency_key).toBe(claim);
    });
  });

  describe('bodies and routes', () => {
    it('answers 413 with the envelope to a 2 MB body', async () => {
      const big = JSON.stringify({
        name: 'big',
        workflow: [{ kind: 'summary' }],
        description: 'x'.repeat(2 * 1024 * 1024),
      });
      const answer = await admin('POST', '/automations', {
        body: big,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(413);
      expect(answer.body).toEqual({
        error: { code: 'payload_too_large', message: expect.stringContaining('256 KB') },
      });
    });

    it('answers 400 to malformed JSON', async () => {
      const answer = await admin('POST', '/automations', {
        body: '{"name": "x",',
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: { code: 'validation_failed', message: expect.any(String) },
      });
    });

    it('answers 400 to an empty JSON body', async () => {
      const answer = await admin('POST', '/projects', {
        body: '',
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    });

    it('answers 415 to a body that is not JSON', async () => {
      const answer = await admin('POST', '/api-keys', {
        body: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(answer.status).toBe(415);
      expect(answer.body.error.code).toBe('unsupported_media_type');
      expect(
        (await admin('POST', '/api-keys', { body: 'x', headers: { 'content-type': 'text/plain' } }))
          .status,
      ).toBe(415);
      // Only POST /files streams other bodies (uploads); an unknown route is still a 404.
      const unknown = await admin('POST', '/no-such-thing', {
        body: 'x',
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
    });

    it('answers 404 with the envelope to an unknown route', async () => {
      for (const options of [{}, { key: ADMIN_KEY }]) {
        const answer = await call('GET', '/no-such-thing', options);
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      }
    });
  });

  describe('public routes', () => {
    it('answers /health without a key', async () => {
      const answer = await call('GET', '/health');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'ok' });
    });

    it('answers /ready when NATS and PostgreSQL answer', async () => {
      const answer = await call('GET', '/ready');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'ready', checks: { nats: 'ok', database: 'ok' } });
    });

    it('times requests into /metrics by route pattern', async () => {
      await admin('GET', '/automations/auto_abcdefgh12345678');
      const answer = await call('GET', '/metrics');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('mediaflow_http_request_duration_seconds');
      expect(answer.text).toMatch(
        /mediaflow_http_request_duration_seconds_count\{[^}]*route="\/automations\/:id"[^}]*status="404"/,
      );
    });

    it('serves the OpenAPI document and the docs page without a key', async () => {
      const document = await call('GET', '/openapi.json');
      expect(document.status).toBe(200);
      expect(document.body.openapi).toBe('3.1.0');
      expect(Object.keys(document.body.paths)).toContain('/automations/{id}');

      const docs = await call('GET', '/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
      expect(docs.text).toContain('/docs/swagger-ui-bundle.js');

      const bundle = await call('GET', '/docs/swagger-ui-bundle.js');
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      expect(bundle.text.length).toBeGreaterThan(100_000);
      const initializer = await call('GET', '/docs/swagger-initializer.js');
      expect(initializer.text).toContain("url: '/openapi.json'");

      expect((await call('GET', '/docs/package.json')).status).toBe(404);
      expect((await call('GET', '/docs/..%2Fpackage.json')).status).toBe(404);
    });
  });
});
