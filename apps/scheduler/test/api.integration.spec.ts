import { newId, schedulerRpc, type StoredFile, type TaskRecord } from '@mediaflow/contracts';
import { Harness, failure, stepsOf } from './support/harness';

// The scheduler's request/reply contract on the real NATS and PostgreSQL:
// lists, project scoping, validation and files.
jest.setTimeout(60_000);

const SOURCE = { url: 'https://media.example/wide.jpg' };
let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});

afterAll(async () => {
  await h?.stop();
});

describe('listTasks', () => {
  const project = newId('prj');
  const automation = newId('auto');
  let runs: TaskRecord[];
  let single: TaskRecord;

  beforeAll(async () => {
    runs = [];
    for (const automationId of [automation, null]) {
      const created = await h.request(schedulerRpc.createRun, {
        project_id: project,
        automation_id: automationId,
        workflow: [{ kind: 'image', ref: 'a', options: { width: 10 } }, { kind: 'summary' }],
        source: SOURCE,
        webhook: null,
      });
      runs.push(await h.waitForTask(project, created.id));
    }
    single = await h.waitForTask(
      project,
      (
        await h.request(schedulerRpc.createTask, {
          project_id: project,
          kind: 'nsfw',
          options: { threshold: 0.5 },
          source: SOURCE,
          webhook: null,
        })
      ).id,
    );
  });

  const list = (query: Record<string, unknown>, projectId = project) =>
    h.request(schedulerRpc.listTasks, { project_id: projectId, query });

  it('lists runs, steps and ingests newest first, each without its subtree', async () => {
    const all = await list({ limit: '100' });
    // Two runs of (root, ingest, 2 steps), and a single task with its ingest.
    expect(all.meta).toEqual({ page: 1, limit: 100, total: 10, pages: 1 });
    expect(
      all.data
        .slice(0, 2)
        .map((t) => t.kind)
        .sort(),
    ).toEqual(['ingest', 'nsfw']);
    expect(all.data.every((t) => t.workflow === undefined && t.next === undefined)).toBe(true);
    const created = all.data.map((t) => t.created_at);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    expect(all.data.find((t) => t.id === single.id)).toMatchObject({
      status: 'completed',
      output: { nsfw: false },
      options: { threshold: 0.5 },
    });
  });

  it('filters by kind, status and automation, and pages', async () => {
    const workflows = await list({ kind: 'workflow' });
    expect(workflows.data.map((t) => t.id)).toEqual([runs[1]!.id, runs[0]!.id]);
    const ofAutomation = await list({ automation_id: automation });
    expect(ofAutomation.meta.total).toBe(4);
    expect(new Set(ofAutomation.data.map((t) => t.kind))).toEqual(
      new Set(['workflow', 'ingest', 'image', 'summary']),
    );
    const both = await list({ automation_id: automation, kind: 'workflow' });
    expect(both.data.map((t) => t.id)).toEqual([runs[0]!.id]);
    expect((await list({ status: 'completed' })).meta.total).toBe(10);
    expect((await list({ status: 'failed' })).meta.total).toBe(0);
    const page2 = await list({ limit: '3', page: '2' });
    expect(page2.meta).toEqual({ page: 2, limit: 3, total: 10, pages: 4 });
    expect(page2.data).toHaveLength(3);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ status: 'running' }, 'status'],
    [{ kind: 'teleport' }, 'kind'],
    [{ automation_id: 'nope' }, 'automation_id'],
  ])('refuses %p naming %s', async (query, path) => {
    const error = await failure(list(query));
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((d) => d.path)).toEqual([path]);
  });

  it("never lists another project's tasks", async () => {
    expect((await list({}, newId('prj'))).meta.total).toBe(0);
  });
});

describe('projects', () => {
  const mine = newId('prj');
  const theirs = newId('prj');
  let run: TaskRecord;

  beforeAll(async () => {
    const created = await h.request(schedulerRpc.createRun, {
      project_id: theirs,
      automation_id: null,
      workflow: [{ kind: 'image', options: { width: 12 } }],
      source: SOURCE,
      webhook: null,
    });
    run = await h.waitForTask(theirs, created.id);
  });

  it("answers another project's task and file as not_found", async () => {
    const step = stepsOf(run)[0]!;
    const file = step.output as StoredFile;
    for (const id of [run.id, step.id]) {
      expect((await failure(h.request(schedulerRpc.getTask, { project_id: mine, id }))).code).toBe(
        'not_found',
      );
      expect(
        (await failure(h.request(schedulerRpc.cancelTask, { project_id: mine, id }))).code,
      ).toBe('not_found');
    }
    expect(
      (await failure(h.request(schedulerRpc.getFile, { project_id: mine, id: file.id }))).code,
    ).toBe('not_found');
    expect(
      (await failure(h.request(schedulerRpc.deleteFile, { project_id: mine, id: file.id }))).code,
    ).toBe('not_found');
    const runOnTheirs = failure(
      h.request(schedulerRpc.createRun, {
        project_id: mine,
        automation_id: null,
        workflow: [{ kind: 'image' }],
        source: { file_id: file.id },
        webhook: null,
      }),
    );
    expect((await runOnTheirs).code).toBe('not_found');
    // Still theirs, untouched.
    expect((await h.request(schedulerRpc.getFile, { project_id: theirs, id: file.id })).id).toBe(
      file.id,
    );
  });

  it('answers an unknown or malformed id as not_found', async () => {
    for (const id of [newId('task'), 'task_nope', '']) {
      const error = await failure(h.request(schedulerRpc.getTask, { project_id: mine, id }));
      expect(error.code).toBe('not_found');
    }
    expect(
      (await failure(h.request(schedulerRpc.getFile, { project_id: mine, id: 'x'.repeat(500) })))
        .message,
    ).toMatch(/^No file x{64}… in this project$/);
  });
});

describe('validation', () => {
  const project = newId('prj');

  it("validates a run's workflow again, naming the path of every problem", async () => {
    const error = await failure(
      h.request(schedulerRpc.createRun, {
        project_id: project,
        automation_id: null,
        workflow: [{ kind: 'image', options: { width: 'wide' } }, { kind: 'teleport' }],
        source: SOURCE,
        webhook: null,
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((d) => d.path)).toEqual(
      expect.arrayContaining(['workflow[0].options.width', 'workflow[1].kind']),
    );
  });

  it.each([
    ['an unknown kind', 'teleport', {}, 'kind'],
    ['ingest, which only the scheduler makes', 'ingest', {}, 'kind'],
    ['a bad option', 'image', { width: 0 }, 'options.width'],
    ['an unknown option', 'video', { colour: 'red' }, 'options.colour'],
  ])('refuses a single task with %s', async (_name, kind, options, path) => {
    const error = await failure(
      h.request(schedulerRpc.createTask, {
        project_id: project,
        kind,
        options,
        source: SOURCE,
        webhook: null,
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details?.map((d) => d.path)).toEqual([path]);
    expect(
      (await h.request(schedulerRpc.listTasks, { project_id: project, query: {} })).meta.total,
    ).toBe(0);
  });

  it('refuses a run on a file that does not exist', async () => {
    const error = await failure(
      h.request(schedulerRpc.createTask, {
        project_id: project,
        kind: 'image',
        options: {},
        source: { file_id: newId('file') },
        webhook: null,
      }),
    );
    expect(error.code).toBe('not_found');
  });
});

describe('files', () => {
  const project = newId('prj');
  let run: TaskRecord;

  beforeAll(async () => {
    const created = await h.request(schedulerRpc.createRun, {
      project_id: project,
      automation_id: null,
      workflow: [
        { kind: 'image', ref: 'small', options: { width: 100 } },
        { kind: 'thumbnails', ref: 'thumbs' },
      ],
      source: { url: 'https://media.example/clip.mp4' },
      webhook: null,
    });
    run = await h.waitForTask(project, created.id);
  });

  it('records the thumbnails sprite as a file linked from the track', () => {
    const thumbs = stepsOf(run).find((s) => s.ref === 'thumbs')!;
    expect(thumbs.output).toMatchObject({
      kind: 'track',
      filename: 'thumbnails.vtt',
      ref: 'thumbs',
      files: [{ filename: 'sprite.jpg', ref: 'thumbs', task_id: thumbs.id }],
    });
  });

  it('lists and gets files, newest first, filtered by kind', async () => {
    const all = await h.request(schedulerRpc.listFiles, { project_id: project, query: {} });
    expect(all.meta.total).toBe(4);
    expect(all.data.map((f) => f.kind).sort()).toEqual(['image', 'image', 'track', 'video']);
    const videos = await h.request(schedulerRpc.listFiles, {
      project_id: project,
      query: { kind: 'video' },
    });
    // A run's source, fetched by the run: it started no run of its own.
    expect(videos.data).toEqual([{ ...run.input, triggered_runs: [] }]);
    expect(
      await h.request(schedulerRpc.getFile, { project_id: project, id: run.input!.id }),
    ).toEqual({ ...run.input, triggered_runs: [] });
    expect(
      (
        await failure(
          h.request(schedulerRpc.listFiles, { project_id: project, query: { kind: 'text' } }),
        )
      ).code,
    ).toBe('validation_failed');
  });

  it('deletes the bytes and the record; the task that made it shows no output', async () => {
    const small = stepsOf(run).find((s) => s.ref === 'small')!;
    const file = small.output as StoredFile;
    expect(await h.storage.stat(file.storage_key)).not.toBeNull();

    expect(await h.request(schedulerRpc.deleteFile, { project_id: project, id: file.id })).toEqual({
      id: file.id,
      object: 'file',
      deleted: true,
    });
    expect(await h.storage.stat(file.storage_key)).toBeNull();
    expect(
      (await failure(h.request(schedulerRpc.getFile, { project_id: project, id: file.id }))).code,
    ).toBe('not_found');
    expect(
      (await failure(h.request(schedulerRpc.deleteFile, { project_id: project, id: file.id })))
        .code,
    ).toBe('not_found');
    expect(
      (await h.request(schedulerRpc.listFiles, { project_id: project, query: {} })).meta.total,
    ).toBe(3);
    const after = await h.request(schedulerRpc.getTask, { project_id: project, id: small.id });
    expect(after).toMatchObject({ status: 'completed', output: null });
  });
});

describe('service', () => {
  it('keeps its tables and migrations in schema scheduler, with the listing indexes', async () => {
    const tables = await h.sql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'scheduler' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'event_deliveries',
      'events',
      'files',
      'migrations',
      'storage_deletions',
      'task_retries',
      'tasks',
      'webhook_deliveries',
      'webhook_endpoints',
    ]);
    const indexes = await h.sql<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'scheduler'",
    );
    const def = (name: string) => indexes.find((i) => i.indexname === name)?.indexdef;
    expect(def('tasks_project_created_idx')).toContain('(project_id, created_at DESC, id DESC)');
    expect(def('tasks_run_idx')).toContain('(run_id)');
    expect(def('tasks_status_heard_idx')).toContain('(status, last_heard_at)');
    expect(def('events_project_order')).toContain('(project_id, xid, seq)');
    expect(def('events_project_newest')).toContain('(project_id, seq DESC)');
    expect(def('event_deliveries_due')).toContain('WHERE (next_attempt_at IS NOT NULL)');
  });

  it('answers /health and /ready with nats and database ok', async () => {
    const ready = await fetch(`${h.scheduler.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { nats: 'ok', database: 'ok' } });
    expect((await fetch(`${h.scheduler.url}/health`)).status).toBe(200);
  });
});
