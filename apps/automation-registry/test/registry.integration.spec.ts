import { randomBytes } from 'node:crypto';
import { parseConfig } from '@mediaflow/config';
import { MediaflowError, newId, registryRpc, type Automation } from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus } from '@mediaflow/messaging';
import { DataSource } from 'typeorm';
import { registryConfigSchema, startRegistry, type RunningRegistry } from '../src';

// Against the real PostgreSQL and NATS; the prefix keeps this file's subjects to itself.
jest.setTimeout(30_000);

const prefix = `t${randomBytes(6).toString('hex')}`;
const projectA = newId('prj');
const projectB = newId('prj');

let db: TestDatabase;
let registry: RunningRegistry;
let client: NatsMessageBus;

function registryConfig(url: string) {
  const config = parseConfig(registryConfigSchema, {
    DATABASE_URL: url,
    NATS_URL: process.env.NATS_URL,
    NATS_SUBJECT_PREFIX: prefix,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  return { ...config, PORT: 0 };
}

const start = () => startRegistry(registryConfig(db.url), { shutdownHooks: false });

async function failure(promise: Promise<unknown>): Promise<MediaflowError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaflowError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** Reads the registry's database directly, through the running registry's connection. */
function sql<T>(query: string): Promise<T[]> {
  return registry.app.get(DataSource).query(query);
}

const create = (body: unknown, project = projectA) =>
  client.request(registryRpc.create, { project_id: project, body });

beforeAll(async () => {
  db = await createTestDatabase();
  registry = await start();
  client = await NatsMessageBus.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'registry-test',
    subjectPrefix: prefix,
  });
});

afterAll(async () => {
  await client?.close();
  await registry?.close();
  await db?.drop();
});

describe('create and get', () => {
  it('stores the automation with flat options normalised into options, and returns the API object', async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = await create({
      name: 'Process uploads',
      description: 'Generate summary, thumbnail, and subtitles for all uploads',
      workflow: [
        { kind: 'summary' },
        { kind: 'image', width: 320, format: 'png' },
        { kind: 'subtitles' },
      ],
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^auto_[a-z0-9]{16}$/),
      object: 'automation',
      name: 'Process uploads',
      description: 'Generate summary, thumbnail, and subtitles for all uploads',
      workflow: [
        { kind: 'summary' },
        { kind: 'image', options: { width: 320, format: 'png' } },
        { kind: 'subtitles' },
      ],
      trigger: null,
      status: 'active',
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect(created.created_at).toBeGreaterThanOrEqual(before - 1);
    expect(created.updated_at).toBe(created.created_at);

    const fetched = await client.request(registryRpc.get, { project_id: projectA, id: created.id });
    expect(fetched).toEqual(created);

    const [row] = await sql<{ workflow: unknown; project_id: string }>(
      `SELECT workflow, project_id FROM registry.automations WHERE id = '${created.id}'`,
    );
    expect(row).toEqual({ project_id: projectA, workflow: created.workflow });
  });

  it('keeps a given status and defaults the description to null', async () => {
    const created = await create({
      name: 'Later',
      workflow: [{ kind: 'summary' }],
      status: 'paused',
    });
    expect(created.status).toBe('paused');
    expect(created.description).toBeNull();
  });

  it('refuses an invalid workflow, naming the JSON path of every problem', async () => {
    const error = await failure(
      create({
        name: 'Broken',
        workflow: [{ kind: 'image', options: { width: 'wide' } }, { kind: 'teleport' }],
      }),
    );
    expect(error.code).toBe('validation_failed');
    const paths = (error.details ?? []).map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['workflow[0].options.width', 'workflow[1].kind']),
    );
  });

  it('refuses a body without a name or workflow', async () => {
    const error = await failure(create({ description: 'nothing else' }));
    expect(error.code).toBe('validation_failed');
    expect((error.details ?? []).map((d) => d.path)).toEqual(
      expect.arrayContaining(['name', 'workflow']),
    );
  });

  it('answers not_found for an unknown or malformed id', async () => {
    for (const id of [newId('auto'), 'auto_nope', 'file_abcdefgh12345678', '']) {
      const error = await failure(client.request(registryRpc.get, { project_id: projectA, id }));
      expect(error.code).toBe('not_found');
    }
    const error = await failure(
      client.request(registryRpc.get, { project_id: projectA, id: 'auto_0000000000000000' }),
    );
    expect(error.message).toBe('No automation auto_0000000000000000 in this project');
  });
});

describe('list', () => {
  const project = newId('prj');
  const ids: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      const created = await create(
        {
          name: `n${i}`,
          workflow: [{ kind: 'summary' }],
          status: i % 5 === 0 ? 'paused' : 'active',
        },
        project,
      );
      ids.push(created.id);
    }
  });

  const list = (query: Record<string, unknown>) =>
    client.request(registryRpc.list, { project_id: project, query });

  it('lists newest first, 20 by default, with page meta', async () => {
    const first = await list({});
    expect(first.object).toBe('list');
    expect(first.meta).toEqual({ page: 1, limit: 20, total: 25, pages: 2 });
    expect(first.data.map((a) => a.id)).toEqual([...ids].reverse().slice(0, 20));
  });

  it('pages through with page and limit given as query strings', async () => {
    const seen: string[] = [];
    for (const page of ['1', '2', '3']) {
      const result = await list({ page, limit: '10' });
      expect(result.meta).toEqual({ page: Number(page), limit: 10, total: 25, pages: 3 });
      seen.push(...result.data.map((a) => a.id));
    }
    expect(seen).toEqual([...ids].reverse());
    const past = await list({ page: '4', limit: '10' });
    expect(past.data).toEqual([]);
    expect(past.meta.total).toBe(25);
  });

  it('filters by status', async () => {
    const paused = await list({ status: 'paused', limit: '100' });
    expect(paused.meta.total).toBe(5);
    expect(paused.data.every((a) => a.status === 'paused')).toBe(true);
    expect(paused.data.map((a) => a.id)).toEqual(ids.filter((_, i) => i % 5 === 0).reverse());
    const active = await list({ status: 'active' });
    expect(active.meta.total).toBe(20);
  });

  it.each([['0'], ['101'], ['abc'], ['1.5'], [0]])(
    'refuses limit %p with validation_failed naming limit',
    async (limit) => {
      const error = await failure(list({ limit }));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual([{ path: 'limit', message: expect.any(String) }]);
    },
  );

  it('filters by exact name, newest first: names are not unique', async () => {
    const twin = await create({ name: 'n3', workflow: [{ kind: 'image' }] }, project);
    try {
      const named = await list({ name: 'n3' });
      expect(named.meta.total).toBe(2);
      expect(named.data.map((a) => a.id)).toEqual([twin.id, ids[3]]);
      // Exact: no prefix, no other case, no space around it (a stored name has none).
      expect((await list({ name: 'n' })).data).toEqual([]);
      expect((await list({ name: 'N3' })).data).toEqual([]);
      expect((await list({ name: ' n3 ' })).data).toEqual([]);
      const paused = await list({ name: 'n5', status: 'paused' });
      expect(paused.data.map((a) => a.id)).toEqual([ids[5]]);
      expect((await list({ name: 'n6', status: 'paused' })).data).toEqual([]);
    } finally {
      await client.request(registryRpc.delete, { project_id: project, id: twin.id });
    }
  });

  it('refuses a bad page, status or name', async () => {
    const page = await failure(list({ page: '0' }));
    expect(page.code).toBe('validation_failed');
    expect(page.details?.[0]?.path).toBe('page');
    const status = await failure(list({ status: 'running' }));
    expect(status.code).toBe('validation_failed');
    expect(status.details?.[0]?.path).toBe('status');
    for (const name of ['', 'n'.repeat(201), 'n\u0000', ['n1', 'n2']]) {
      const error = await failure(list({ name }));
      expect(error.code).toBe('validation_failed');
      expect(error.details?.[0]?.path).toBe('name');
    }
  });
});

describe('create with an idempotency claim', () => {
  const body = { name: 'Once', workflow: [{ kind: 'summary' }] };
  const claimed = (claim: string, project = projectA) =>
    client.request(registryRpc.create, { project_id: project, body, idempotency_key: claim });
  const rowsOf = async (claim: string) =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM registry.automations WHERE idempotency_key = '${claim}'`,
      )
    )[0]!.n;

  it('makes one automation per claim: a resumed request gets the one the first made', async () => {
    const claim = `claim-${randomBytes(6).toString('hex')}`;
    const first = await claimed(claim);
    // The first request's answer was lost (its gateway died): the retry resumes the claim.
    const resumed = await claimed(claim);
    expect(resumed).toEqual(first);
    expect(await rowsOf(claim)).toBe(1);
    // It is the automation as it is now, changes included.
    const renamed = await client.request(registryRpc.update, {
      project_id: projectA,
      id: first.id,
      body: { name: 'Renamed' },
    });
    expect(await claimed(claim)).toEqual(renamed);
    // Without a claim, or with another, a new one.
    expect((await create(body)).id).not.toBe(first.id);
    expect((await claimed(`${claim}-other`)).id).not.toBe(first.id);
  });

  it('makes one for a burst of requests under one claim', async () => {
    const claim = `burst-${randomBytes(6).toString('hex')}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => claimed(claim)));
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(await rowsOf(claim)).toBe(1);
  });

  it("keeps one project's claims apart from another's", async () => {
    const claim = `shared-${randomBytes(6).toString('hex')}`;
    const mine = await claimed(claim, projectA);
    const theirs = await claimed(claim, projectB);
    expect(theirs.id).not.toBe(mine.id);
    expect(await rowsOf(claim)).toBe(2);
  });
});

describe('update', () => {
  let original: Automation;

  beforeAll(async () => {
    original = await create({
      name: 'Before',
      description: 'kept',
      workflow: [{ kind: 'summary' }],
    });
    // created_at and updated_at are whole seconds: let one pass so the bump shows.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  const update = (body: unknown, id = original.id) =>
    client.request(registryRpc.update, { project_id: projectA, id, body });

  it('changes only the name, bumping updated_at', async () => {
    const updated = await update({ name: 'After' });
    expect(updated).toEqual({ ...original, name: 'After', updated_at: expect.any(Number) });
    expect(updated.updated_at).toBeGreaterThan(original.created_at);
    expect(
      await client.request(registryRpc.get, { project_id: projectA, id: original.id }),
    ).toEqual(updated);
  });

  it('pauses, and replaces the workflow normalised', async () => {
    const paused = await update({ status: 'paused' });
    expect(paused.status).toBe('paused');
    expect(paused.name).toBe('After');
    const rewired = await update({
      workflow: [{ kind: 'video', width: 1280, format: 'mp4', next: [{ kind: 'thumbnails' }] }],
    });
    expect(rewired.workflow).toEqual([
      { kind: 'video', options: { width: 1280, format: 'mp4' }, next: [{ kind: 'thumbnails' }] },
    ]);
    expect(rewired.status).toBe('paused');
    expect(rewired.description).toBe('kept');
    expect(rewired.updated_at).toBeGreaterThanOrEqual(rewired.created_at);
  });

  it('clears the description with null', async () => {
    expect((await update({ description: null })).description).toBeNull();
  });

  it('refuses an invalid change and leaves the automation alone', async () => {
    const before = await client.request(registryRpc.get, { project_id: projectA, id: original.id });
    const error = await failure(
      update({ name: '', workflow: [{ kind: 'image', options: { width: -1 } }] }),
    );
    expect(error.code).toBe('validation_failed');
    expect((error.details ?? []).map((d) => d.path)).toEqual(
      expect.arrayContaining(['name', 'workflow[0].options.width']),
    );
    expect(
      await client.request(registryRpc.get, { project_id: projectA, id: original.id }),
    ).toEqual(before);
  });

  it('answers not_found for an unknown id', async () => {
    expect((await failure(update({ name: 'x' }, newId('auto')))).code).toBe('not_found');
  });
});

describe('triggers', () => {
  const project = newId('prj');
  const onUpload = (conditions?: unknown[]) => ({
    kind: 'event',
    event: 'file.created',
    ...(conditions ? { conditions } : {}),
  });
  const triggered = () =>
    client.request(registryRpc.listTriggered, { project_id: project, event: 'file.created' });

  it('stores a trigger with its conditions filled in, and reads it back', async () => {
    const created = await create(
      {
        name: 'Transcode uploads',
        workflow: [{ kind: 'video', width: 1280 }],
        trigger: onUpload(),
      },
      project,
    );
    expect(created.trigger).toEqual({ kind: 'event', event: 'file.created', conditions: [] });
    expect(await client.request(registryRpc.get, { project_id: project, id: created.id })).toEqual(
      created,
    );
    const [row] = await sql<{ trigger: unknown }>(
      `SELECT trigger FROM registry.automations WHERE id = '${created.id}'`,
    );
    expect(row?.trigger).toEqual(created.trigger);
  });

  it('refuses a bad trigger with the path of every problem, storing nothing', async () => {
    const before = (await client.request(registryRpc.list, { project_id: project, query: {} })).meta
      .total;
    const error = await failure(
      create(
        {
          name: 'Broken',
          workflow: [{ kind: 'summary' }],
          trigger: { kind: 'event', event: 'file.updated', conditions: [{ prop: 'width' }] },
        },
        project,
      ),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([
      { path: 'trigger.event', message: 'must be one of: file.created' },
      { path: 'trigger.conditions[0].value', message: 'is required' },
    ]);
    expect(
      (await client.request(registryRpc.list, { project_id: project, query: {} })).meta.total,
    ).toBe(before);
  });

  it('lists the active automations with a trigger, oldest first, for the scheduler to match', async () => {
    const other = newId('prj');
    const videos = await create(
      {
        name: 'Videos',
        workflow: [{ kind: 'thumbnails' }],
        trigger: onUpload([{ prop: 'kind', value: 'video' }]),
      },
      other,
    );
    const everything = await create(
      { name: 'Everything', workflow: [{ kind: 'summary' }], trigger: onUpload() },
      other,
    );
    await create({ name: 'On demand', workflow: [{ kind: 'summary' }] }, other);
    await create(
      { name: 'Paused', workflow: [{ kind: 'summary' }], trigger: onUpload(), status: 'paused' },
      other,
    );
    await create({ name: 'Elsewhere', workflow: [{ kind: 'summary' }], trigger: onUpload() });

    const listed = await client.request(registryRpc.listTriggered, {
      project_id: other,
      event: 'file.created',
    });
    expect(listed.data).toEqual([videos, everything]);
  });

  it('follows updates: a trigger removed, set, and an automation paused or resumed', async () => {
    const created = await create(
      { name: 'Toggled', workflow: [{ kind: 'summary' }], trigger: onUpload() },
      project,
    );
    const update = (body: unknown) =>
      client.request(registryRpc.update, { project_id: project, id: created.id, body });
    const listedIds = async () => (await triggered()).data.map((a) => a.id);
    expect(await listedIds()).toContain(created.id);

    expect((await update({ trigger: null })).trigger).toBeNull();
    expect(await listedIds()).not.toContain(created.id);

    const set = await update({ trigger: onUpload([{ prop: 'has_audio', value: true }]) });
    expect(set.trigger).toEqual({
      kind: 'event',
      event: 'file.created',
      conditions: [{ prop: 'has_audio', value: true }],
    });
    expect(set.workflow).toEqual(created.workflow);
    expect((await triggered()).data.find((a) => a.id === created.id)).toEqual(set);

    await update({ status: 'paused' });
    expect(await listedIds()).not.toContain(created.id);
    await update({ status: 'active' });
    expect(await listedIds()).toContain(created.id);
  });

  it('answers an empty list for a project without triggers, and refuses an unknown event', async () => {
    expect(
      await client.request(registryRpc.listTriggered, {
        project_id: newId('prj'),
        event: 'file.created',
      }),
    ).toEqual({ data: [] });
    const error = await failure(
      client.request(registryRpc.listTriggered, {
        project_id: project,
        event: 'file.deleted' as 'file.created',
      }),
    );
    expect(error.code).toBe('validation_failed');
  });
});

describe('delete', () => {
  it('deletes, after which get answers not_found', async () => {
    const created = await create({ name: 'Doomed', workflow: [{ kind: 'nsfw' }] });
    const deleted = await client.request(registryRpc.delete, {
      project_id: projectA,
      id: created.id,
    });
    expect(deleted).toEqual({ id: created.id, object: 'automation', deleted: true });
    expect(
      (await failure(client.request(registryRpc.get, { project_id: projectA, id: created.id })))
        .code,
    ).toBe('not_found');
    expect(
      (await failure(client.request(registryRpc.delete, { project_id: projectA, id: created.id })))
        .code,
    ).toBe('not_found');
  });
});

describe('projects', () => {
  it("never shows, changes or deletes another project's automation", async () => {
    const theirs = await create({ name: 'Theirs', workflow: [{ kind: 'summary' }] }, projectB);
    const mine = { project_id: projectA, id: theirs.id };

    expect((await failure(client.request(registryRpc.get, mine))).code).toBe('not_found');
    expect(
      (await failure(client.request(registryRpc.update, { ...mine, body: { name: 'Mine now' } })))
        .code,
    ).toBe('not_found');
    expect((await failure(client.request(registryRpc.delete, mine))).code).toBe('not_found');
    const listed = await client.request(registryRpc.list, {
      project_id: projectA,
      query: { limit: '100' },
    });
    expect(listed.data.map((a) => a.id)).not.toContain(theirs.id);

    expect(await client.request(registryRpc.get, { project_id: projectB, id: theirs.id })).toEqual(
      theirs,
    );
  });
});

describe('database and HTTP', () => {
  it('keeps its tables and migrations in schema registry', async () => {
    const tables = await sql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'registry' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'automation_events',
      'automations',
      'migrations',
    ]);
    const indexes = await sql<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'registry' AND indexname = 'automations_project_created_idx'",
    );
    expect(indexes[0]?.indexdef).toContain('(project_id, created_at DESC, id DESC)');
  });

  it('answers /health and /ready with nats and database ok, and serves /metrics', async () => {
    const url = await registry.app.getUrl();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { nats: 'ok', database: 'ok' } });

    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('mediaflow_');
  });
});

describe('restart', () => {
  it('keeps the data and applies no migration twice', async () => {
    const kept = await create({ name: 'Survivor', workflow: [{ kind: 'summary' }] });
    await registry.close();
    registry = await start();

    expect(await client.request(registryRpc.get, { project_id: projectA, id: kept.id })).toEqual(
      kept,
    );
    const migrations = await sql<{ name: string }>(
      'SELECT name FROM registry.migrations ORDER BY id',
    );
    expect(migrations).toEqual([
      { name: 'CreateAutomations1795923699954' },
      { name: 'AutomationTriggers1796710000000' },
      { name: 'AutomationEvents1796720000000' },
      { name: 'AutomationIdempotency1796730000000' },
    ]);
  });

  it('lets a second replica start on the same database without migrating again', async () => {
    const second = await start();
    try {
      const created = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          create({ name: `r${i}`, workflow: [{ kind: 'summary' }] }),
        ),
      );
      expect(new Set(created.map((a) => a.id)).size).toBe(6);
      const migrations = await sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM registry.migrations',
      );
      expect(migrations).toEqual([{ n: 4 }]);
    } finally {
      await second.close();
    }
  });
});
