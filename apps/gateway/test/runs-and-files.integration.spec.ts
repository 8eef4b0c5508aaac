import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '@mediaflow/config';
import { MediaflowError, registryRpc, schedulerRpc, type StoredFile } from '@mediaflow/contracts';
import { openMigratedDataSource, serviceDataSourceOptions } from '@mediaflow/database';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { JetStreamTaskTransport, NatsMessageBus } from '@mediaflow/messaging';
import { LocalStorage, outputKey, signFileUrl } from '@mediaflow/storage';
import { DataSource } from 'typeorm';
import { startGateway, type RunningGateway } from '../src/bootstrap';
import { gatewayConfigSchema } from '../src/config';
import { GatewaySchema1795000000000 } from '../src/database/migrations/1795000000000-gateway-schema';
import { DEFAULT_RUNS_IN_FLIGHT } from '../src/rate-limits/rate-limit-policy';
import { FakeRegistry } from './fake-registry';
import { FakeScheduler } from './fake-scheduler';
import { call, freePort, openEvents, type CallOptions } from './http-client';

// Against the real PostgreSQL and NATS, with the registry and the scheduler faked on the bus.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;
const LEGACY_PROJECT = 'prj_legacy0000000001';
const PUBLIC_URL = 'https://media.example.test';
const SOURCE_URL = 'https://media.test/in.mp4';
const execFileAsync = promisify(execFile);

describe('gateway runs, tasks and files (real PostgreSQL and NATS, fake registry and scheduler)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let bus: NatsMessageBus;
  let changes: JetStreamTaskTransport;
  let registry: FakeRegistry;
  let scheduler: FakeScheduler;
  let gateway: RunningGateway;
  let replica: RunningGateway;
  let projectId: string;
  let clip: Buffer;
  let prefix: string;
  let source: StoredFile;
  let output: StoredFile;

  const gatewayConfig = async (extra: Record<string, string> = {}) =>
    parseConfig(gatewayConfigSchema, {
      DATABASE_URL: db.url,
      NATS_URL,
      NATS_SUBJECT_PREFIX: prefix,
      NATS_REQUEST_TIMEOUT_MS: '2000',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MEDIAFLOW_API_KEY: ADMIN_KEY,
      MEDIAFLOW_DATA_DIR: dataDir,
      // Never, in a test: only the fake scheduler's change notifications make a gateway read a task again.
      MEDIAFLOW_TASK_RECHECK_MS: '3600000',
      ...extra,
    });

  const api = (method: string, path: string, options: CallOptions = {}) =>
    call(gateway.url, method, path, options);
  const admin = (method: string, path: string, options: CallOptions = {}) =>
    api(method, path, { ...options, key: ADMIN_KEY });

  async function newProjectKey(name: string): Promise<{ key: string; projectId: string }> {
    const created = await admin('POST', '/projects', { json: { name } });
    expect(created.status).toBe(201);
    return { key: created.body.api_key.secret, projectId: created.body.project.id };
  }

  async function automation(status: 'active' | 'paused' = 'active'): Promise<any> {
    const created = await admin('POST', '/automations', {
      json: {
        name: 'Uploads',
        status,
        workflow: [
          { kind: 'image', options: { width: 320, format: 'png' }, ref: 'thumb' },
          { kind: 'summary' },
        ],
      },
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  /** A file of the project whose bytes really are in the data directory's storage. */
  async function storedClip(taskId: string, filename: string): Promise<StoredFile> {
    const key = outputKey(projectId, taskId, 1, filename);
    const fixture = join(dataDir, 'fixtures', 'clip.mp4');
    await new LocalStorage(join(dataDir, 'files')).putFile(key, fixture);
    return scheduler.addFile({
      project_id: projectId,
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      filename,
      ref: null,
      width: 320,
      height: 240,
      duration: 1,
      fps: 10,
      filesize: clip.length,
      has_audio: false,
      has_video: true,
      language: null,
      task_id: taskId,
      storage_key: key,
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-files-'));
    prefix = `gwr${randomBytes(5).toString('hex')}`;

    // A project from before webhook secrets existed: the new migration must give it one.
    const legacy = await openMigratedDataSource(
      serviceDataSourceOptions({
        url: db.url,
        schema: 'gateway',
        entities: [],
        migrations: [GatewaySchema1795000000000],
      }),
      'gateway',
    );
    await legacy.query(`INSERT INTO gateway.projects (id, name) VALUES ($1, 'Legacy')`, [
      LEGACY_PROJECT,
    ]);
    await legacy.destroy();

    bus = await NatsMessageBus.connect({ url: NATS_URL, name: 'fakes', subjectPrefix: prefix });
    changes = await JetStreamTaskTransport.connect({
      url: NATS_URL,
      name: 'fakes',
      subjectPrefix: prefix,
    });
    registry = new FakeRegistry(bus);
    scheduler = new FakeScheduler(bus, changes);
    await Promise.all([registry.start(), scheduler.start()]);

    // No MEDIAFLOW_SIGNING_SECRET: the two must agree on the one the first start made.
    [gateway, replica] = await Promise.all([
      startGateway(await gatewayConfig(), { shutdownHooks: false }),
      startGateway(await gatewayConfig({ MEDIAFLOW_PUBLIC_URL: PUBLIC_URL }), {
        shutdownHooks: false,
      }),
    ]);
    projectId = (await admin('GET', '/api-keys')).body.data[0].project_id;

    const fixture = join(dataDir, 'fixtures', 'clip.mp4');
    await execFileAsync('mkdir', ['-p', join(dataDir, 'fixtures')]);
    await execFileAsync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '1'],
      ...['-pix_fmt', 'yuv420p', fixture],
    ]);
    clip = await readFile(fixture);
    source = await storedClip('task_source000000001', 'source.mp4');
    output = await storedClip('task_output000000001', 'web.mp4');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([gateway?.close(), replica?.close()]);
    await Promise.all([registry?.stop(), scheduler?.stop()]);
    await bus?.close();
    await changes?.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe('webhook secrets', () => {
    it('gives projects made before the migration a secret of their own', async () => {
      const rows = await gateway.app
        .get(DataSource)
        .query('SELECT id, webhook_secret FROM gateway.projects ORDER BY id');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row.webhook_secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      expect(new Set(rows.map((r: { webhook_secret: string }) => r.webhook_secret)).size).toBe(
        rows.length,
      );
      expect(rows.map((r: { id: string }) => r.id)).toContain(LEGACY_PROJECT);
    });

    it("shows a new project's secret when it is made, and GET /webhook-secret shows it again", async () => {
      const created = await admin('POST', '/projects', { json: { name: 'Hooks' } });
      const secret = created.body.project.webhook_secret;
      expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      const shown = await api('GET', '/webhook-secret', { key: created.body.api_key.secret });
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual({ object: 'webhook_secret', secret });
      const mine = await admin('GET', '/webhook-secret');
      expect(mine.body.secret).toMatch(/^whsec_/);
      expect(mine.body.secret).not.toBe(secret);
      expect((await api('GET', '/webhook-secret')).status).toBe(401);
    });
  });

  describe('POST /automations/:id/run', () => {
    it('answers 201 with the run, after giving the scheduler a snapshot of the workflow', async () => {
      const auto = await automation();
      const ran = await admin('POST', `/automations/${auto.id}/run`, { json: { url: SOURCE_URL } });
      expect(ran.status).toBe(201);
      expect(ran.body).toMatchObject({
        object: 'task',
        kind: 'workflow',
        automation_id: auto.id,
        status: 'processing',
        input: null,
      });
      expect(ran.body.id).toMatch(/^task_[a-z0-9]{16}$/);
      expect(ran.body.workflow.map((s: { kind: string }) => s.kind)).toEqual(['image', 'summary']);
      expect(scheduler.callsTo(schedulerRpc.createRun.subject).at(-1)!.request).toEqual({
        project_id: projectId,
        automation_id: auto.id,
        workflow: [
          { kind: 'image', options: { width: 320, format: 'png' }, ref: 'thumb' },
          { kind: 'summary' },
        ],
        source: { url: SOURCE_URL },
        webhook: null,
        // The project has no limit of its own: the gateway's default.
        runs_in_flight_limit: DEFAULT_RUNS_IN_FLIGHT,
      });
    });

    it("sends the webhook URL with the project's webhook secret", async () => {
      const auto = await automation();
      const hook = 'https://hooks.test/mediaflow';
      const ran = await admin('POST', `/automations/${auto.id}/run`, {
        json: { file_id: source.id, webhook_url: hook },
      });
      expect(ran.status).toBe(201);
      expect(ran.body.webhook_url).toBe(hook);
      expect(ran.body.input).toMatchObject({ id: source.id, object: 'file', kind: 'video' });
      const secret = (await admin('GET', '/webhook-secret')).body.secret;
      expect(scheduler.callsTo(schedulerRpc.createRun.subject).at(-1)!.request).toMatchObject({
        source: { file_id: source.id },
        webhook: { url: hook, secret },
      });
    });

    it('refuses a paused automation with 409, without asking the scheduler', async () => {
      const auto = await automation('paused');
      const before = scheduler.calls.length;
      const ran = await admin('POST', `/automations/${auto.id}/run`, { json: { url: SOURCE_URL } });
      expect(ran.status).toBe(409);
      expect(ran.body.error).toEqual({
        code: 'conflict',
        message: expect.stringContaining(`Automation ${auto.id} is paused`),
      });
      expect(scheduler.calls.length).toBe(before);
    });

    it.each([
      ['neither url nor file_id', {}],
      ['both url and file_id', { url: SOURCE_URL, file_id: 'file_aaaaaaaaaaaaaaaa' }],
      ['a URL that is not http', { url: 'file:///etc/passwd' }],
    ])('refuses %s with 400, asking nobody', async (_name, body) => {
      const before = [registry.calls.length, scheduler.calls.length];
      const ran = await admin('POST', '/automations/auto_aaaaaaaaaaaaaaaa/run', { json: body });
      expect(ran.status).toBe(400);
      expect(ran.body.error.code).toBe('validation_failed');
      expect(ran.body.error.details).toHaveLength(1);
      expect([registry.calls.length, scheduler.calls.length]).toEqual(before);
    });

    it("answers 404 for an unknown automation and another project's", async () => {
      const unknown = await admin('POST', '/automations/auto_aaaaaaaaaaaaaaaa/run', {
        json: { url: SOURCE_URL },
      });
      expect(unknown.status).toBe(404);
      const auto = await automation();
      const other = await newProjectKey('Other runs');
      const theirs = await api('POST', `/automations/${auto.id}/run`, {
        key: other.key,
        json: { url: SOURCE_URL },
      });
      expect(theirs.status).toBe(404);
      expect(registry.callsTo(registryRpc.get.subject).at(-1)!.request.project_id).toBe(
        other.projectId,
      );
    });
  });

  describe('POST /tasks', () => {
    it('creates one task of a kind with its checked options', async () => {
      const created = await admin('POST', '/tasks', {
        json: { kind: 'image', url: SOURCE_URL, options: { width: 320, format: 'webp' } },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ object: 'task', kind: 'image', status: 'pending' });
      expect(scheduler.callsTo(schedulerRpc.createTask.subject).at(-1)!.request).toEqual({
        project_id: projectId,
        kind: 'image',
        options: { width: 320, format: 'webp' },
        source: { url: SOURCE_URL },
        webhook: null,
        // The project has no limit of its own: the gateway's default.
        runs_in_flight_limit: DEFAULT_RUNS_IN_FLIGHT,
      });
    });

    it('runs an ad-hoc workflow, normalised, without an automation', async () => {
      const created = await admin('POST', '/tasks', {
        json: {
          kind: 'workflow',
          file_id: source.id,
          workflow: [{ kind: 'video', width: 640, next: [{ kind: 'thumbnails' }] }],
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kind: 'workflow', automation_id: null });
      expect(scheduler.callsTo(schedulerRpc.createRun.subject).at(-1)!.request).toEqual({
        project_id: projectId,
        automation_id: null,
        workflow: [{ kind: 'video', options: { width: 640 }, next: [{ kind: 'thumbnails' }] }],
        source: { file_id: source.id },
        webhook: null,
        // The project has no limit of its own: the gateway's default.
        runs_in_flight_limit: DEFAULT_RUNS_IN_FLIGHT,
      });
    });

    it('refuses an invalid workflow with 400 naming every path, without asking the scheduler', async () => {
      const before = scheduler.calls.length;
      const created = await admin('POST', '/tasks', {
        json: {
          kind: 'workflow',
          url: SOURCE_URL,
          workflow: [
            { kind: 'video', options: { width: 99999 } },
            { kind: 'teleport' },
            { kind: 'subtitles', next: [{ kind: 'video' }] },
          ],
        },
      });
      expect(created.status).toBe(400);
      expect(created.body.error.code).toBe('validation_failed');
      expect(created.body.error.details.map((d: { path: string }) => d.path)).toEqual(
        expect.arrayContaining([
          'workflow[0].options.width',
          'workflow[1].kind',
          'workflow[2].next[0].kind',
        ]),
      );
      expect(scheduler.calls.length).toBe(before);
    });

    it('refuses options the kind does not have, naming them', async () => {
      const created = await admin('POST', '/tasks', {
        json: { kind: 'image', url: SOURCE_URL, options: { width: 0, colour: 'red' } },
      });
      expect(created.status).toBe(400);
      expect(created.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'options.colour',
        'options.width',
      ]);
    });

    it("passes the scheduler's 404 for another project's file through", async () => {
      const other = await newProjectKey('No files');
      const created = await api('POST', '/tasks', {
        key: other.key,
        json: { kind: 'image', file_id: source.id },
      });
      expect(created.status).toBe(404);
      expect(created.body.error.code).toBe('not_found');
    });
  });

  describe('GET /tasks, GET /tasks/:id and cancel', () => {
    it('lists with the checked query, presenting every task', async () => {
      const auto = await automation();
      await admin('POST', `/automations/${auto.id}/run`, { json: { file_id: source.id } });
      const listed = await admin('GET', `/tasks?automation_id=${auto.id}&kind=workflow&limit=5`);
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ object: 'list', meta: { page: 1, limit: 5, total: 1 } });
      expect(listed.body.data[0].input.url).toMatch(
        /\/files\/file_[a-z0-9]{16}\/content\?expires=/,
      );
      expect(listed.text).not.toContain('storage_key');
      expect(scheduler.callsTo(schedulerRpc.listTasks.subject).at(-1)!.request).toEqual({
        project_id: projectId,
        query: { page: 1, limit: 5, kind: 'workflow', automation_id: auto.id },
      });
    });

    it.each(['limit=0', 'status=sleeping', 'kind=teleport', 'automation_id=nope'])(
      'refuses ?%s with 400, asking nobody',
      async (query) => {
        const before = scheduler.calls.length;
        const listed = await admin('GET', `/tasks?${query}`);
        expect(listed.status).toBe(400);
        expect(listed.body.error.details[0].path).toBe(query.split('=')[0]);
        expect(scheduler.calls.length).toBe(before);
      },
    );

    it('answers 404 for an unknown task', async () => {
      const answer = await admin('GET', '/tasks/task_aaaaaaaaaaaaaaaa');
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    });

    it("passes cancel through: 200 with the task, then the scheduler's 409", async () => {
      const created = await admin('POST', '/tasks', { json: { kind: 'summary', url: SOURCE_URL } });
      const cancelled = await admin('POST', `/tasks/${created.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: created.body.id, status: 'cancelled' });
      const again = await admin('POST', `/tasks/${created.body.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    });
  });

  describe('signed downloads', () => {
    let task: any;

    beforeAll(async () => {
      const created = await admin('POST', '/tasks', {
        json: { kind: 'video', file_id: source.id },
      });
      scheduler.update(created.body.id, { status: 'completed', progress: 100, output });
      task = (await admin('GET', `/tasks/${created.body.id}`)).body;
    });

    it('presents signed URLs that download the bytes without a key', async () => {
      expect(task.input).toMatchObject({ id: source.id, object: 'file', filesize: clip.length });
      expect(task.output).toMatchObject({ id: output.id, object: 'file', filename: 'web.mp4' });
      for (const file of [task.input, task.output]) {
        expect(file).not.toHaveProperty('storage_key');
        expect(file).not.toHaveProperty('project_id');
        const url = new URL(file.url);
        expect(url.origin).toBe(gateway.url);
        expect(url.pathname).toBe(`/files/${file.id}/content`);
        const downloaded = await call(gateway.url, 'GET', file.url);
        expect(downloaded.status).toBe(200);
        expect(downloaded.bytes.equals(clip)).toBe(true);
        expect(downloaded.headers.get('content-type')).toBe('video/mp4');
        expect(downloaded.headers.get('content-length')).toBe(String(clip.length));
        expect(downloaded.headers.get('accept-ranges')).toBe('bytes');
        expect(downloaded.headers.get('etag')).toBe(`"${file.id}.${clip.length}"`);
        expect(downloaded.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('serves one range as 206, and a range past the end as 416', async () => {
      const url = task.output.url as string;
      const first = await call(gateway.url, 'GET', url, { headers: { range: 'bytes=0-99' } });
      expect(first.status).toBe(206);
      expect(first.headers.get('content-range')).toBe(`bytes 0-99/${clip.length}`);
      expect(first.headers.get('content-length')).toBe('100');
      expect(first.bytes.equals(clip.subarray(0, 100))).toBe(true);

      const tail = await call(gateway.url, 'GET', url, { headers: { range: 'bytes=-10' } });
      expect(tail.status).toBe(206);
      expect(tail.bytes.equals(clip.subarray(clip.length - 10))).toBe(true);

      const past = await call(gateway.url, 'GET', url, {
        headers: { range: `bytes=${clip.length}-` },
      });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${clip.length}`);
      expect(past.body.error.code).toBe('range_not_satisfiable');
    });

    it('answers HEAD with the headers alone', async () => {
      const head = await call(gateway.url, 'HEAD', task.output.url);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(clip.length));
      expect(head.headers.get('accept-ranges')).toBe('bytes');
      expect(head.bytes.length).toBe(0);
    });

    it('answers 304 to a client that has the bytes', async () => {
      const url = task.output.url as string;
      const etag = (await call(gateway.url, 'GET', url)).headers.get('etag')!;
      const again = await call(gateway.url, 'GET', url, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.bytes.length).toBe(0);
    });

    it('refuses a tampered, incomplete or expired link with 401', async () => {
      const url = new URL(task.output.url);
      const variant = (change: (params: URLSearchParams) => void) => {
        const copy = new URL(url);
        change(copy.searchParams);
        return copy.toString();
      };
      const secret = (
        await gateway.app
          .get(DataSource)
          .query(`SELECT value FROM gateway.settings WHERE name = 'signing_secret'`)
      )[0].value as string;
      const expired = signFileUrl({
        fileId: output.id,
        expiresAt: new Date(Date.now() - 1000),
        secret,
      });
      const flip = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
      const links = [
        variant((p) => p.set('signature', flip(p.get('signature')!))),
        variant((p) => p.set('expires', String(Number(p.get('expires')) + 60))),
        variant((p) => p.delete('signature')),
        variant((p) => p.delete('project_id')),
        variant((p) => {
          p.set('expires', String(expired.expires));
          p.set('signature', expired.signature);
        }),
        // Another file's path with this file's signature.
        task.output.url.replace(output.id, source.id),
        `${gateway.url}/files/${output.id}/content`,
      ];
      for (const link of links) {
        const answer = await call(gateway.url, 'GET', link);
        expect([link, answer.status]).toEqual([link, 401]);
        expect(answer.body.error.code).toBe('unauthorized');
      }
      // The same expired link, re-signed for the future, works: the secret read back is the one in use.
      const fresh = signFileUrl({
        fileId: output.id,
        expiresAt: new Date(Date.now() + 60_000),
        secret,
      });
      const renewed = variant((p) => {
        p.set('expires', String(fresh.expires));
        p.set('signature', fresh.signature);
      });
      expect((await call(gateway.url, 'GET', renewed)).status).toBe(200);
    });

    it('finds nothing when the project of a genuine link is changed', async () => {
      const url = new URL(task.output.url);
      url.searchParams.set('project_id', LEGACY_PROJECT);
      const answer = await call(gateway.url, 'GET', url.toString());
      expect(answer.status).toBe(404);
    });

    it("serves the bytes with a key, and not with another project's key", async () => {
      const path = `/files/${output.id}/content`;
      const mine = await admin('GET', path, { headers: { range: 'bytes=10-19' } });
      expect(mine.status).toBe(206);
      expect(mine.bytes.equals(clip.subarray(10, 20))).toBe(true);
      const other = await newProjectKey('Not theirs');
      expect((await api('GET', path, { key: other.key })).status).toBe(404);
      expect((await api('GET', path, { key: `mf_${'x'.repeat(40)}` })).status).toBe(401);
    });

    it('is verified by every replica, which signs on MEDIAFLOW_PUBLIC_URL when it is set', async () => {
      const fromFirst = new URL(task.output.url);
      const onReplica = `${replica.url}${fromFirst.pathname}${fromFirst.search}`;
      const answer = await call(replica.url, 'GET', onReplica);
      expect(answer.status).toBe(200);
      expect(answer.bytes.equals(clip)).toBe(true);

      const presented = await call(replica.url, 'GET', `/files/${output.id}`, { key: ADMIN_KEY });
      expect(presented.body.url.startsWith(`${PUBLIC_URL}/files/${output.id}/content?`)).toBe(true);
      // Same secret, so the replica's link opens on the first gateway too.
      const link = new URL(presented.body.url);
      expect(
        (await call(gateway.url, 'GET', `${gateway.url}${link.pathname}${link.search}`)).status,
      ).toBe(200);
      const settings = await gateway.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM gateway.settings WHERE name = 'signing_secret'`);
      expect(settings).toEqual([{ n: 1 }]);
    });
  });

  describe('files', () => {
    it('lists and gets files presented with signed URLs, never their storage keys', async () => {
      const listed = await admin('GET', '/files?kind=video&limit=100');
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((f: { id: string }) => f.id)).toEqual(
        expect.arrayContaining([source.id, output.id]),
      );
      expect(listed.text).not.toContain('storage_key');
      expect(listed.text).not.toContain('projects/prj_');
      expect(scheduler.callsTo(schedulerRpc.listFiles.subject).at(-1)!.request).toEqual({
        project_id: projectId,
        query: { page: 1, limit: 100, kind: 'video' },
      });
      const triggered = ['task_triggered0000001', 'task_triggered0000002'];
      scheduler.triggeredRuns.set(source.id, triggered);
      const one = await admin('GET', `/files/${source.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: source.id,
        object: 'file',
        kind: 'video',
        width: 320,
        triggered_runs: triggered,
      });
      const again = await admin('GET', '/files?kind=video&limit=100');
      const listedSource = again.body.data.find((f: { id: string }) => f.id === source.id);
      expect(listedSource.triggered_runs).toEqual(triggered);
      expect(
        again.body.data.find((f: { id: string }) => f.id === output.id).triggered_runs,
      ).toEqual([]);
      expect((await call(gateway.url, 'GET', one.body.url)).bytes.equals(clip)).toBe(true);
      expect((await admin('GET', '/files?kind=document')).status).toBe(400);
    });

    it('passes delete and its 404s through', async () => {
      const doomed = await storedClip('task_doomed000000001', 'doomed.mp4');
      const deleted = await admin('DELETE', `/files/${doomed.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ id: doomed.id, object: 'file', deleted: true });
      expect((await admin('GET', `/files/${doomed.id}`)).status).toBe(404);
      expect((await admin('DELETE', `/files/${doomed.id}`)).status).toBe(404);
    });
  });

  describe('GET /tasks/:id/events', () => {
    it('sends the task at once and each change as the scheduler announces it, and closes once it is final', async () => {
      const created = await admin('POST', '/tasks', {
        json: { kind: 'image', file_id: source.id },
      });
      const id = created.body.id as string;
      const events = await openEvents(`${gateway.url}/tasks/${id}/events`, ADMIN_KEY);
      try {
        expect(events.status).toBe(200);
        expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const first = await events.next();
        expect(first).toMatchObject({
          event: 'task.created',
          data: { type: 'task.created', data: { id, status: 'pending', progress: 0 } },
        });
        // The envelope's id is the SSE id.
        expect(first!.id).toMatch(/^evt_[a-z0-9]{16}$/);
        expect(first!.data.id).toBe(first!.id);
        expect(first!.data.data.input.url).toMatch(/signature=/);

        // The gateway never reads again on its own here: each event comes from a notification.
        scheduler.update(id, { status: 'processing', progress: 0, started_at: 2 });
        expect(await events.next()).toMatchObject({
          event: 'task.started',
          data: { data: { status: 'processing', progress: 0 } },
        });
        scheduler.update(id, { progress: 50 });
        expect(await events.next()).toMatchObject({
          event: 'task.progress',
          data: { data: { status: 'processing', progress: 50 } },
        });
        scheduler.update(id, { status: 'completed', progress: 100, output });
        const last = await events.next();
        expect(last).toMatchObject({
          event: 'task.completed',
          data: { type: 'task.completed', data: { status: 'completed', progress: 100 } },
        });
        expect(last!.data.data.output.url).toMatch(/signature=/);
        expect(await events.next()).toBeNull();
      } finally {
        events.close();
      }
    });

    it("sends each step of a run as it moves, and the run's end last", async () => {
      const created = await admin('POST', '/tasks', {
        json: {
          kind: 'workflow',
          file_id: source.id,
          workflow: [{ kind: 'image', ref: 'thumb' }],
        },
      });
      const run = created.body.id as string;
      const step = created.body.workflow[0].id as string;
      const events = await openEvents(`${gateway.url}/tasks/${run}/events`, ADMIN_KEY);
      try {
        const seen = async () => {
          const event = (await events.next())!;
          return `${event.event} ${event.data.data.id === run ? 'run' : 'step'}`;
        };
        expect([await seen(), await seen()]).toEqual(['task.started run', 'task.created step']);
        scheduler.update(step, { status: 'processing', progress: 40, started_at: 2 });
        expect(await seen()).toBe('task.progress step');
        scheduler.update(step, { status: 'completed', progress: 100, output });
        expect(await seen()).toBe('task.completed step');
        scheduler.update(run, { status: 'completed', progress: 100 });
        expect(await seen()).toBe('task.completed run');
        expect(await events.next()).toBeNull();
      } finally {
        events.close();
      }
    });

    it('ends open streams when the gateway shuts down, so that it can', async () => {
      const created = await admin('POST', '/tasks', { json: { kind: 'image', url: SOURCE_URL } });
      const leaving = await startGateway(await gatewayConfig(), { shutdownHooks: false });
      const events = await openEvents(`${leaving.url}/tasks/${created.body.id}/events`, ADMIN_KEY);
      try {
        expect((await events.next())!.data.data.status).toBe('pending');
        const closing = leaving.close();
        expect(await events.next(3000)).toBeNull();
        await closing;
      } finally {
        events.close();
      }
    });

    it('answers 404 for an unknown task before any stream starts', async () => {
      const answer = await admin('GET', '/tasks/task_aaaaaaaaaaaaaaaa/events');
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    });

    it('stops reading the task once the client has gone', async () => {
      const created = await admin('POST', '/tasks', { json: { kind: 'image', url: SOURCE_URL } });
      const id = created.body.id as string;
      const reads = () =>
        scheduler.callsTo(schedulerRpc.getTask.subject).filter((c) => c.request.id === id).length;
      const events = await openEvents(`${gateway.url}/tasks/${id}/events`, ADMIN_KEY);
      await events.next();
      scheduler.update(id, { progress: 10 });
      await events.next();
      const following = reads();
      expect(following).toBeGreaterThanOrEqual(2);
      events.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      scheduler.update(id, { progress: 20 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(reads()).toBe(following);
    });
  });

  describe('Prefer: wait', () => {
    const image = () => ({ kind: 'image', file_id: source.id });

    it('answers the finished task, once the scheduler says it ended, with Preference-Applied', async () => {
      const answering = admin('POST', '/tasks', { json: image(), headers: { prefer: 'wait=30' } });
      const created = await scheduler.nextCreated();
      scheduler.update(created.id, { status: 'processing', started_at: 2 });
      scheduler.update(created.id, { status: 'completed', progress: 100, output });
      const answer = await answering;
      expect(answer.status).toBe(201);
      expect(answer.headers.get('preference-applied')).toBe('wait=30');
      expect(answer.body).toMatchObject({ id: created.id, status: 'completed', progress: 100 });
      expect(answer.body.output.url).toMatch(/signature=/);
    });

    it('waits for a run of an automation too, holding a longer wait to 60 s', async () => {
      const auto = await automation();
      const answering = admin('POST', `/automations/${auto.id}/run`, {
        json: { file_id: source.id },
        headers: { prefer: 'respond-async, wait=3600' },
      });
      const created = await scheduler.nextCreated();
      scheduler.update(created.id, { status: 'failed', progress: 100 });
      const answer = await answering;
      expect(answer.status).toBe(201);
      expect(answer.headers.get('preference-applied')).toBe('wait=60');
      expect(answer.body).toMatchObject({ id: created.id, kind: 'workflow', status: 'failed' });
    });

    it.each([
      ['when it has not ended in time', 'wait=1'],
      ['at once when the preference is malformed (RFC 7240: ignored)', 'wait=soon'],
    ])('answers the task as it is, without Preference-Applied, %s', async (_when, prefer) => {
      const answer = await admin('POST', '/tasks', { json: image(), headers: { prefer } });
      expect(answer.status).toBe(201);
      expect(answer.body.status).toBe('pending');
      expect(answer.headers.get('preference-applied')).toBeNull();
    });

    it('answers a task cancelled while it waits: cancelled is an end', async () => {
      const answering = admin('POST', '/tasks', { json: image(), headers: { prefer: 'wait=30' } });
      const created = await scheduler.nextCreated();
      expect((await admin('POST', `/tasks/${created.id}/cancel`)).status).toBe(200);
      const answer = await answering;
      expect(answer.status).toBe(201);
      expect(answer.headers.get('preference-applied')).toBe('wait=30');
      expect(answer.body).toMatchObject({ id: created.id, status: 'cancelled' });
    });

    it('replays, for the same Idempotency-Key, what the first request answered', async () => {
      const headers = {
        prefer: 'wait=30',
        'idempotency-key': `wait-${randomBytes(8).toString('hex')}`,
      };
      const answering = admin('POST', '/tasks', { json: image(), headers });
      const created = await scheduler.nextCreated();
      scheduler.update(created.id, { status: 'completed', progress: 100, output });
      const first = await answering;
      expect(first.body.status).toBe('completed');
      // Later the task moves on (its output deleted, say); the replay is the answer sent, not a new read.
      scheduler.update(created.id, { output: null });
      const replay = await admin('POST', '/tasks', { json: image(), headers });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('preference-applied')).toBe('wait=30');
      expect(replay.body).toEqual(first.body);
    });
  });

  describe('Idempotency-Key', () => {
    const key = () => `test-${randomBytes(8).toString('hex')}`;

    it('replays the first answer of POST /tasks, starting nothing new', async () => {
      const headers = { 'idempotency-key': key() };
      const body = { kind: 'image', url: SOURCE_URL, options: { width: 64 } };
      const before = scheduler.callsTo(schedulerRpc.createTask.subject).length;
      const first = await admin('POST', '/tasks', { json: body, headers });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      // The same body with its keys in another order is the same request.
      const again = await admin('POST', '/tasks', {
        json: { options: { width: 64 }, url: SOURCE_URL, kind: 'image' },
        headers,
      });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(scheduler.callsTo(schedulerRpc.createTask.subject).length).toBe(before + 1);
    });

    it('replays a run of an automation, and its refusal when it was paused', async () => {
      const auto = await automation();
      const headers = { 'idempotency-key': key() };
      const path = `/automations/${auto.id}/run`;
      const first = await admin('POST', path, { json: { url: SOURCE_URL }, headers });
      const again = await admin('POST', path, { json: { url: SOURCE_URL }, headers });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.body.id).toBe(first.body.id);

      const paused = await automation('paused');
      const pausedHeaders = { 'idempotency-key': key() };
      const refused = await admin('POST', `/automations/${paused.id}/run`, {
        json: { url: SOURCE_URL },
        headers: pausedHeaders,
      });
      const replayed = await admin('POST', `/automations/${paused.id}/run`, {
        json: { url: SOURCE_URL },
        headers: pausedHeaders,
      });
      expect([refused.status, replayed.status]).toEqual([409, 409]);
      expect(replayed.body).toEqual(refused.body);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    });

    it('refuses the same key with another body or on another path with 409', async () => {
      const headers = { 'idempotency-key': key() };
      expect(
        (await admin('POST', '/tasks', { json: { kind: 'summary', url: SOURCE_URL }, headers }))
          .status,
      ).toBe(201);
      const before = scheduler.calls.length;
      const otherBody = await admin('POST', '/tasks', {
        json: { kind: 'summary', url: 'https://media.test/other.mp4' },
        headers,
      });
      expect(otherBody.status).toBe(409);
      expect(otherBody.body.error).toEqual({
        code: 'conflict',
        message: expect.stringMatching(/different request/),
      });
      const auto = await automation();
      const otherPath = await admin('POST', `/automations/${auto.id}/run`, {
        json: { kind: 'summary', url: SOURCE_URL },
        headers,
      });
      expect(otherPath.status).toBe(409);
      expect(scheduler.calls.length).toBe(before);
    });

    it('runs a replay made while the first request runs under the same claim: one run', async () => {
      const headers = { 'idempotency-key': key() };
      const body = { kind: 'workflow', url: SOURCE_URL, workflow: [{ kind: 'summary' }] };
      const calls = () => scheduler.callsTo(schedulerRpc.createRun.subject).length;
      const before = calls();
      const held = scheduler.hold(schedulerRpc.createRun.subject);
      const first = admin('POST', '/tasks', { json: body, headers });
      try {
        for (let i = 0; i < 50; i++) {
          const waiting = await gateway.app
            .get(DataSource)
            .query('SELECT 1 FROM gateway.idempotency_keys WHERE key = $1', [
              headers['idempotency-key'],
            ]);
          if (waiting.length > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const during = admin('POST', '/tasks', { json: body, headers });
        // Both reach the scheduler, which makes one run for their one claim.
        for (let i = 0; i < 100 && calls() < before + 2; i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(calls()).toBe(before + 2);
        held.release();
        expect((await during).status).toBe(201);
        expect((await during).body.id).toBe((await first).body.id);
      } finally {
        held.release();
      }
      const claims = scheduler
        .callsTo(schedulerRpc.createRun.subject)
        .slice(-2)
        .map((call) => call.request.idempotency_key);
      expect(claims[0]).toEqual(expect.any(String));
      expect(claims[1]).toBe(claims[0]);
      expect((await first).status).toBe(201);
      const after = await admin('POST', '/tasks', { json: body, headers });
      expect(after.status).toBe(201);
      expect(after.headers.get('idempotent-replayed')).toBe('true');
      expect(after.body.id).toBe((await first).body.id);
    });

    it('lets the request be retried when the first failed on our side, under the same claim', async () => {
      const headers = { 'idempotency-key': key() };
      const body = { kind: 'summary', url: SOURCE_URL };
      scheduler.failNext(
        schedulerRpc.createTask.subject,
        new MediaflowError('service_unavailable', 'The scheduler is restarting'),
      );
      const failed = await admin('POST', '/tasks', { json: body, headers });
      expect(failed.status).toBe(503);
      const retried = await admin('POST', '/tasks', { json: body, headers });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      // The scheduler may have made the run before failing to answer: the
      // retry asks again under the same claim, and gets that run if it exists.
      const [failedCall, retriedCall] = scheduler
        .callsTo(schedulerRpc.createTask.subject)
        .slice(-2)
        .map((call) => call.request.idempotency_key);
      expect(retriedCall).toEqual(expect.any(String));
      expect(retriedCall).toBe(failedCall);
    });

    it("keeps one project's keys apart from another's", async () => {
      const headers = { 'idempotency-key': key() };
      const other = await newProjectKey('Own keys');
      const mine = await admin('POST', '/tasks', {
        json: { kind: 'summary', url: SOURCE_URL },
        headers,
      });
      const theirs = await api('POST', '/tasks', {
        key: other.key,
        json: { kind: 'summary', url: SOURCE_URL },
        headers,
      });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it('refuses a malformed key with 400', async () => {
      const before = scheduler.calls.length;
      const answer = await admin('POST', '/tasks', {
        json: { kind: 'summary', url: SOURCE_URL },
        headers: { 'idempotency-key': 'k'.repeat(256) },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([
        { path: 'Idempotency-Key', message: expect.any(String) },
      ]);
      expect(scheduler.calls.length).toBe(before);
    });
  });
});
