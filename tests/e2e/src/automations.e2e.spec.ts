import { api, client, System } from '@mediaflow/testing';

// Gateway and registry as separate processes on the real NATS and PostgreSQL.

const SEED_WORKFLOWS = {
  'upload processing': [
    { kind: 'summary' },
    { kind: 'image', options: { width: 320, format: 'png' } },
    { kind: 'subtitles' },
  ],
  'social media': [
    { kind: 'nsfw' },
    { kind: 'summary' },
    { kind: 'image', options: { width: 160, format: 'webp' } },
  ],
  'short video': [
    {
      kind: 'video',
      options: { width: 1280, format: 'mp4', quality: 'high' },
      next: [{ kind: 'thumbnails' }],
    },
  ],
  messaging: [
    {
      kind: 'conditions',
      conditions: [
        { prop: 'kind', value: 'image' },
        { prop: 'width', operator: '>', value: 1280 },
      ],
      next: [{ kind: 'image', options: { width: 1280 } }],
    },
  ],
};

/** A chain of `image` steps `depth` deep. */
function chain(depth: number): unknown[] {
  let steps: unknown[] = [];
  for (let i = 0; i < depth; i++)
    steps = [{ kind: 'image', options: { width: 64 }, ...(steps.length ? { next: steps } : {}) }];
  return steps;
}

describe('automations over HTTP', () => {
  let system: System;
  let admin: ReturnType<typeof client>;

  beforeAll(async () => {
    system = await System.start();
    admin = client(system.baseUrl, system.adminKey);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('runs the full create, read, update, delete cycle', async () => {
    const created = await admin('POST', '/automations', {
      body: {
        name: 'Process uploads',
        description: 'Generate summary, thumbnail, and subtitles for all uploads',
        workflow: [
          { kind: 'summary' },
          { kind: 'image', width: 320, format: 'png' },
          { kind: 'subtitles' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const automation = created.body;
    expect(automation).toMatchObject({
      object: 'automation',
      name: 'Process uploads',
      description: 'Generate summary, thumbnail, and subtitles for all uploads',
      status: 'active',
      // flat ittybit-style options are stored under `options`
      workflow: [
        { kind: 'summary' },
        { kind: 'image', options: { width: 320, format: 'png' } },
        { kind: 'subtitles' },
      ],
    });
    expect(automation.id).toMatch(/^auto_[a-z0-9]{16}$/);
    expect(Number.isInteger(automation.created_at)).toBe(true);
    expect(Math.abs(automation.created_at - Date.now() / 1000)).toBeLessThan(60);
    expect(automation.updated_at).toBe(automation.created_at);

    const fetched = await admin('GET', `/automations/${automation.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(automation);

    const renamed = await admin('PATCH', `/automations/${automation.id}`, {
      body: { name: 'Uploads v2' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: automation.id,
      name: 'Uploads v2',
      workflow: automation.workflow,
      status: 'active',
    });
    expect(renamed.body.updated_at).toBeGreaterThanOrEqual(automation.updated_at);

    const rewired = await admin('PATCH', `/automations/${automation.id}`, {
      body: { workflow: [{ kind: 'video', width: 640 }], description: null },
    });
    expect(rewired.status).toBe(200);
    expect(rewired.body).toMatchObject({
      name: 'Uploads v2',
      description: null,
      workflow: [{ kind: 'video', options: { width: 640 } }],
    });

    const deleted = await admin('DELETE', `/automations/${automation.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: automation.id, object: 'automation', deleted: true });

    const gone = await admin('GET', `/automations/${automation.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    expect((await admin('DELETE', `/automations/${automation.id}`)).status).toBe(404);
    expect(
      (await admin('PATCH', `/automations/${automation.id}`, { body: { name: 'x' } })).status,
    ).toBe(404);
  });

  it.each(Object.entries(SEED_WORKFLOWS))(
    'accepts the seed workflow "%s" verbatim',
    async (name, workflow) => {
      const res = await admin('POST', '/automations', { body: { name, workflow } });
      expect(res.status).toBe(201);
      expect(res.body.workflow).toEqual(workflow);
    },
  );

  describe('lists', () => {
    let project: ReturnType<typeof client>;
    const ids: string[] = [];

    beforeAll(async () => {
      const made = await admin('POST', '/projects', { body: { name: 'Pagination' } });
      project = client(system.baseUrl, made.body.api_key.secret);
      for (let i = 0; i < 25; i++) {
        const res = await project('POST', '/automations', {
          body: {
            name: `a${i}`,
            workflow: [{ kind: 'summary' }],
            status: i % 5 === 0 ? 'paused' : 'active',
          },
        });
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
    });

    it('pages newest first with the list envelope', async () => {
      const pages = await Promise.all(
        [1, 2, 3, 4].map((page) => project('GET', `/automations?limit=10&page=${page}`)),
      );
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200]);
      expect(pages.map((p) => p.body.data.length)).toEqual([10, 10, 5, 0]);
      for (const [i, page] of pages.entries()) {
        expect(page.body.object).toBe('list');
        expect(page.body.meta).toEqual({ page: i + 1, limit: 10, total: 25, pages: 3 });
      }
      const listed = pages.flatMap((p) => p.body.data.map((a: { id: string }) => a.id));
      expect(listed).toEqual([...ids].reverse());
    });

    it('defaults to 20 a page', async () => {
      const res = await project('GET', '/automations');
      expect(res.body.meta).toEqual({ page: 1, limit: 20, total: 25, pages: 2 });
      expect(res.body.data).toHaveLength(20);
    });

    it('filters by status', async () => {
      const paused = await project('GET', '/automations?status=paused');
      expect(paused.body.meta.total).toBe(5);
      expect(paused.body.data.every((a: { status: string }) => a.status === 'paused')).toBe(true);
      const active = await project('GET', '/automations?status=active&limit=100');
      expect(active.body.meta.total).toBe(20);
    });

    it('filters by exact name: names are not unique', async () => {
      const twin = await project('POST', '/automations', {
        body: { name: 'a7', workflow: [{ kind: 'nsfw' }] },
      });
      try {
        const named = await project('GET', '/automations?name=a7');
        expect(named.status).toBe(200);
        expect(named.body.data.map((a: { id: string }) => a.id)).toEqual([twin.body.id, ids[7]]);
        expect(named.body.meta.total).toBe(2);
        // Not a prefix, nor another case; with status, both must hold.
        expect((await project('GET', '/automations?name=a')).body.data).toEqual([]);
        expect((await project('GET', '/automations?name=A7')).body.data).toEqual([]);
        const paused = await project('GET', '/automations?name=a10&status=paused');
        expect(paused.body.data.map((a: { id: string }) => a.id)).toEqual([ids[10]]);
        expect((await project('GET', '/automations?name=a7&status=paused')).body.data).toEqual([]);
        // Another project's automation of the same name is not listed.
        expect((await admin('GET', '/automations?name=a7')).body.data).toEqual([]);
      } finally {
        await project('DELETE', `/automations/${twin.body.id}`);
      }
    });

    it.each([
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=1.5',
      'page=0',
      'page=-1',
      'status=archived',
      'name=',
      'name=a1&name=a2',
    ])('answers 400 for ?%s', async (query) => {
      const res = await project('GET', `/automations?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    });
  });

  it('pauses and resumes an automation', async () => {
    const created = await admin('POST', '/automations', {
      body: { name: 'p', workflow: [{ kind: 'nsfw' }], status: 'paused' },
    });
    expect(created.body.status).toBe('paused');
    const resumed = await admin('PATCH', `/automations/${created.body.id}`, {
      body: { status: 'active' },
    });
    expect(resumed.body.status).toBe('active');
    const bad = await admin('PATCH', `/automations/${created.body.id}`, {
      body: { status: 'sleeping' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'status' })]);
  });

  describe('keys and projects', () => {
    it('answers 401 without a key, with a malformed header and with a wrong key', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Basic abc' },
        { authorization: 'Bearer mf_nope' },
      ];
      for (const headers of attempts) {
        const res = await api(system.baseUrl, 'GET', '/automations', { headers });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    });

    it("hides another project's automations behind 404", async () => {
      const mine = await admin('POST', '/automations', {
        body: { name: 'secret', workflow: [{ kind: 'summary' }] },
      });
      const made = await admin('POST', '/projects', { body: { name: 'Other team' } });
      expect(made.status).toBe(201);
      expect(made.body.project).toMatchObject({ object: 'project', name: 'Other team' });
      expect(made.body.project.id).toMatch(/^prj_[a-z0-9]{16}$/);
      expect(made.body.api_key).toMatchObject({ object: 'api_key' });
      const other = client(system.baseUrl, made.body.api_key.secret);

      for (const [method, body] of [
        ['GET'],
        ['PATCH', { name: 'mine now' }],
        ['DELETE'],
      ] as const) {
        const res = await other(method, `/automations/${mine.body.id}`, { body });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      const list = await other('GET', '/automations?limit=100');
      expect(list.body.data.map((a: { id: string }) => a.id)).not.toContain(mine.body.id);
      // and it is untouched
      expect((await admin('GET', `/automations/${mine.body.id}`)).body.name).toBe('secret');
    });

    it('lets only an admin key create projects', async () => {
      const made = await admin('POST', '/projects', { body: { name: 'Team' } });
      const team = client(system.baseUrl, made.body.api_key.secret);
      const res = await team('POST', '/projects', { body: { name: 'Sneaky' } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('makes keys that work, lists them without secrets, and revokes them at once', async () => {
      const made = await admin('POST', '/api-keys', { body: { name: 'ci' } });
      expect(made.status).toBe(201);
      expect(made.body.secret).toMatch(/^mf_/);
      const ci = client(system.baseUrl, made.body.secret);
      expect((await ci('GET', '/automations')).status).toBe(200);

      const listed = await admin('GET', '/api-keys?limit=100');
      expect(listed.status).toBe(200);
      const entry = listed.body.data.find((k: { id: string }) => k.id === made.body.id);
      expect(entry).toMatchObject({ object: 'api_key', name: 'ci' });
      expect(JSON.stringify(listed.body)).not.toContain(made.body.secret);

      const revoked = await admin('DELETE', `/api-keys/${made.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ id: made.body.id, object: 'api_key', deleted: true });
      const after = await ci('GET', '/automations');
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('unauthorized');
    });
  });

  describe('bad input', () => {
    it('answers 413 to a 2 MB body', async () => {
      const res = await admin('POST', '/automations', {
        body: {
          name: 'big',
          workflow: [{ kind: 'summary' }],
          description: 'x'.repeat(2 * 1024 * 1024),
        },
      });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    it('answers 400 to malformed JSON', async () => {
      const res = await admin('POST', '/automations', { raw: '{"name": "x", "workflow": [' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    });

    it('names every bad path of an invalid workflow', async () => {
      const res = await admin('POST', '/automations', {
        body: {
          name: 'broken',
          workflow: [
            { kind: 'video', options: { width: 8000 } },
            { kind: 'teleport' },
            { kind: 'subtitles', ref: 'subs', next: [{ kind: 'video' }] },
            { kind: 'image', width: 0, ref: 'subs' },
            {
              kind: 'conditions',
              conditions: [{ prop: 'width', operator: 'contains', value: 'x' }],
              next: [{ kind: 'summary' }],
            },
          ],
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'workflow[0].options.width',
          'workflow[1].kind',
          'workflow[2].next[0].kind',
          'workflow[3].options.width',
          'workflow[3].ref',
          'workflow[4].conditions[0].operator',
        ]),
      );
      expect(
        res.body.error.details.find((d: { path: string }) => d.path === 'workflow[0].options.width')
          .message,
      ).toBe('must be ≤ 7680');
      // nothing was saved
      const list = await admin('GET', '/automations?limit=100');
      expect(list.body.data.map((a: { name: string }) => a.name)).not.toContain('broken');
    });

    it('accepts a workflow 8 deep and refuses one 9 deep', async () => {
      expect(
        (await admin('POST', '/automations', { body: { name: 'deep8', workflow: chain(8) } }))
          .status,
      ).toBe(201);
      const nine = await admin('POST', '/automations', {
        body: { name: 'deep9', workflow: chain(9) },
      });
      expect(nine.status).toBe(400);
      expect(nine.body.error.details).toHaveLength(1);
      expect(nine.body.error.details[0].path).toBe(`workflow[0]${'.next[0]'.repeat(8)}`);
    });

    it('answers 404 with the error envelope for an unknown route', async () => {
      const res = await admin('GET', '/nowhere');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe('service endpoints', () => {
    it.each(['/health', '/ready', '/metrics', '/openapi.json', '/docs'])(
      'serves %s without a key',
      async (path) => {
        const res = await api(system.baseUrl, 'GET', path);
        expect(res.status).toBe(200);
      },
    );

    it('documents the automations routes in OpenAPI', async () => {
      const res = await api(system.baseUrl, 'GET', '/openapi.json');
      expect(res.body.openapi).toMatch(/^3\.1/);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/automations',
          '/automations/{id}',
          '/projects',
          '/api-keys',
          '/api-keys/{id}',
        ]),
      );
    });
  });

  it('answers 503 while the registry is down and recovers when it is back', async () => {
    await system.app('automation-registry').stop();
    const down = await admin('GET', '/automations');
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('service_unavailable');
    await system.startApp('automation-registry');
    expect((await admin('GET', '/automations')).status).toBe(200);
  });
});
