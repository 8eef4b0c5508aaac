import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId, schedulerRpc, type StoredFile, type TaskRecord } from '@mediaflow/contracts';
import { FAILS_ONCE, Gate } from './support/fake-worker';
import { Harness, failure, sleep, stepsOf, until } from './support/harness';

// The scheduler against the real PostgreSQL and NATS JetStream; the test
// plays the workers through the real transport and storage.
jest.setTimeout(60_000);

const SOURCES = 'https://media.example/';
let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});

afterAll(async () => {
  await h?.stop();
});

function createRun(
  project: string,
  workflow: unknown,
  source: { url: string } | { file_id: string } = { url: `${SOURCES}wide.jpg` },
) {
  return h.request(schedulerRpc.createRun, {
    project_id: project,
    automation_id: null,
    workflow,
    source,
    webhook: null,
  });
}

const byRef = (task: TaskRecord) =>
  Object.fromEntries(stepsOf(task).map((s) => [s.ref ?? s.kind, s]));
const outputFile = (task: TaskRecord) => task.output as StoredFile;

async function filesOf(project: string): Promise<StoredFile[]> {
  return (await h.request(schedulerRpc.listFiles, { project_id: project, query: { limit: '100' } }))
    .data;
}

describe('a run from a URL', () => {
  const project = newId('prj');
  let done: TaskRecord;
  let created: TaskRecord;

  beforeAll(async () => {
    created = await createRun(project, [
      { kind: 'image', options: { width: 320 }, ref: 'small' },
      { kind: 'image', options: { width: 160, format: 'webp' }, ref: 'tiny' },
      { kind: 'image', options: { width: 64, height: 64, format: 'png' }, ref: 'square' },
    ]);
    done = await h.waitForTask(project, created.id);
  });

  it('answers the new run at once: processing, its steps waiting for the source', () => {
    expect(created).toMatchObject({
      object: 'task',
      kind: 'workflow',
      status: 'processing',
      progress: 0,
      input: null,
      parent_id: null,
      automation_id: null,
    });
    expect(stepsOf(created).map((s) => [s.ref, s.status, s.parent_id])).toEqual([
      ['small', 'waiting', created.id],
      ['tiny', 'waiting', created.id],
      ['square', 'waiting', created.id],
    ]);
  });

  it('runs three image steps in parallel on the ingested source and records their three outputs', async () => {
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect(done.finished_at).toEqual(expect.any(Number));
    expect(done.input).toMatchObject({ kind: 'image', width: 4000, height: 3000, ref: 'source' });
    const steps = stepsOf(done);
    expect(steps.map((s) => [s.ref, s.status, s.attempts])).toEqual([
      ['small', 'completed', 1],
      ['tiny', 'completed', 1],
      ['square', 'completed', 1],
    ]);
    expect(steps.every((s) => s.input?.id === done.input?.id)).toBe(true);
    expect(
      steps.map((s) => outputFile(s)).map((f) => [f.ref, f.format, f.width, f.height, f.task_id]),
    ).toEqual([
      ['small', 'jpeg', 320, 240, steps[0]!.id],
      ['tiny', 'webp', 160, 120, steps[1]!.id],
      ['square', 'png', 64, 64, steps[2]!.id],
    ]);
    // Each dispatch carried the source's stored record, so the worker could read its bytes.
    for (const step of steps) {
      const [dispatch] = h.worker.dispatchesOf(step.id);
      expect(dispatch).toMatchObject({
        attempt: 1,
        kind: 'image',
        ref: step.ref,
        input: { id: done.input!.id, storage_key: done.input!.storage_key },
      });
    }
    const files = await filesOf(project);
    expect(files.map((f) => f.ref).sort()).toEqual(['small', 'source', 'square', 'tiny']);
    expect((await h.storage.stat(outputFile(steps[0]!).storage_key))?.size).toBeGreaterThan(0);
  });

  it('lists the ingest as a task of the run, not as a step', async () => {
    const listed = await h.request(schedulerRpc.listTasks, {
      project_id: project,
      query: { kind: 'ingest' },
    });
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      kind: 'ingest',
      ref: 'source',
      parent_id: done.id,
      status: 'completed',
      output: { id: done.input!.id },
    });
    const [dispatch] = h.worker.dispatchesOf(listed.data[0]!.id);
    expect(dispatch).toMatchObject({
      kind: 'ingest',
      input: null,
      source_url: `${SOURCES}wide.jpg`,
      ref: 'source',
    });
  });
});

describe('sequences and conditions', () => {
  it('passes each output down a next chain three deep, on a stored file made by a single task', async () => {
    const project = newId('prj');
    const single = await h.request(schedulerRpc.createTask, {
      project_id: project,
      kind: 'image',
      options: { width: 2000 },
      source: { url: `${SOURCES}wide.jpg` },
      webhook: null,
    });
    expect(single).toMatchObject({ kind: 'image', status: 'waiting', options: { width: 2000 } });
    const made = await h.waitForTask(project, single.id);
    expect(made).toMatchObject({
      status: 'completed',
      progress: 100,
      attempts: 1,
      output: { width: 2000, height: 1500 },
    });
    expect(made.workflow).toBeUndefined();

    const created = await createRun(
      project,
      [
        {
          kind: 'image',
          options: { width: 1000 },
          next: [
            {
              kind: 'image',
              options: { width: 500 },
              next: [{ kind: 'image', options: { width: 250, format: 'png' } }],
            },
          ],
        },
      ],
      { file_id: outputFile(made).id },
    );
    // On a stored file the run starts at once: no ingest, the first step dispatched.
    expect(created.input?.id).toBe(outputFile(made).id);
    expect(stepsOf(created).map((s) => s.status)).toEqual(['pending', 'waiting', 'waiting']);
    const done = await h.waitForTask(project, created.id);
    expect(done.status).toBe('completed');
    const [first, second, third] = stepsOf(done);
    expect(second!.parent_id).toBe(first!.id);
    expect(third!.parent_id).toBe(second!.id);
    expect(first!.input?.id).toBe(outputFile(made).id);
    expect(second!.input?.id).toBe(outputFile(first!).id);
    expect(third!.input?.id).toBe(outputFile(second!).id);
    expect([outputFile(first!).width, outputFile(second!).width, outputFile(third!).width]).toEqual(
      [1000, 500, 250],
    );
    expect(outputFile(third!)).toMatchObject({ format: 'png', height: 188 });
  });

  it('takes next for a wide input and else for a narrow one, on the properties the ingest found', async () => {
    const project = newId('prj');
    const workflow = [
      {
        kind: 'conditions',
        conditions: [
          { prop: 'kind', value: 'image' },
          { prop: 'width', operator: '>', value: 1280 },
        ],
        next: [{ kind: 'image', options: { width: 1280 }, ref: 'resized' }],
        else: [
          {
            kind: 'image',
            options: { width: 100, format: 'png' },
            ref: 'thumb',
            next: [{ kind: 'summary', ref: 'about' }],
          },
        ],
      },
    ];
    const wide = await h.waitForTask(
      project,
      (await createRun(project, workflow, { url: `${SOURCES}wide.jpg` })).id,
    );
    const narrow = await h.waitForTask(
      project,
      (await createRun(project, workflow, { url: `${SOURCES}narrow.png` })).id,
    );

    expect(wide.status).toBe('completed');
    expect(byRef(wide).conditions).toMatchObject({
      status: 'completed',
      conditions: workflow[0]!.conditions,
    });
    expect(byRef(wide).resized).toMatchObject({
      status: 'completed',
      output: { width: 1280, height: 960 },
    });
    expect(byRef(wide).thumb!.status).toBe('skipped');
    expect(byRef(wide).about!.status).toBe('skipped');

    expect(narrow.status).toBe('completed');
    expect(byRef(narrow).resized!.status).toBe('skipped');
    expect(byRef(narrow).thumb).toMatchObject({
      status: 'completed',
      output: { format: 'png', width: 100 },
    });
    // A data kind: its output is its JSON result.
    expect(byRef(narrow).about).toMatchObject({
      status: 'completed',
      output: { source: 'properties', provider: 'fake' },
    });
    expect(h.worker.dispatchesOf(byRef(narrow).resized!.id)).toEqual([]);
  });
});

describe('failures and retries', () => {
  it('fails a middle step: its subtree is skipped, its siblings complete, the run fails', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('doomed', { type: 'fail', code: 'input_unreadable', retryable: false });
    const done = await h.waitForTask(
      project,
      (
        await createRun(project, [
          {
            kind: 'image',
            ref: 'top',
            options: { width: 1000 },
            next: [
              {
                kind: 'image',
                ref: 'doomed',
                next: [{ kind: 'image', ref: 'below', next: [{ kind: 'summary', ref: 'deep' }] }],
              },
              { kind: 'image', ref: 'beside', options: { width: 10 } },
            ],
          },
          { kind: 'nsfw', ref: 'sibling' },
        ])
      ).id,
    );
    const steps = byRef(done);
    expect(Object.fromEntries(Object.entries(steps).map(([ref, s]) => [ref, s.status]))).toEqual({
      top: 'completed',
      doomed: 'failed',
      below: 'skipped',
      deep: 'skipped',
      beside: 'completed',
      sibling: 'completed',
    });
    expect(steps.doomed!.error).toEqual({
      code: 'input_unreadable',
      message: 'simulated input_unreadable',
    });
    expect(steps.doomed!.attempts).toBe(1);
    expect(steps.below!.error).toBeNull();
    expect(done).toMatchObject({ status: 'failed', progress: 100 });
  });

  it('retries a retryable failure as attempt 2, which completes', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('flaky', FAILS_ONCE);
    const done = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'summary', ref: 'flaky' }])).id,
    );
    const flaky = byRef(done).flaky!;
    expect(done.status).toBe('completed');
    expect(flaky).toMatchObject({
      status: 'completed',
      attempts: 2,
      error: null,
      output: { provider: 'fake' },
    });
    expect(h.worker.dispatchesOf(flaky.id).map((d) => d.attempt)).toEqual([1, 2]);
  });

  it('fails after the last attempt of a retryable failure', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('hopeless', {
      type: 'fail',
      code: 'provider_unavailable',
      retryable: true,
    });
    const done = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'summary', ref: 'hopeless' }])).id,
    );
    expect(byRef(done).hopeless).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'provider_unavailable' },
    });
    expect(done.status).toBe('failed');
  });

  it('fails the run with the ingest error when the source cannot be had, skipping every step', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('broken.jpg', {
      type: 'fail',
      code: 'input_unreadable',
      retryable: false,
    });
    const done = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'image', ref: 'never' }], { url: `${SOURCES}broken.jpg` }))
        .id,
    );
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'input_unreadable', message: 'simulated input_unreadable' },
      input: null,
    });
    expect(byRef(done).never!.status).toBe('skipped');
  });

  it('gives a task whose worker fell silent a new attempt', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('lost', { type: 'silent', times: 1 });
    const done = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'image', ref: 'lost', options: { width: 20 } }])).id,
    );
    expect(done.status).toBe('completed');
    expect(byRef(done).lost).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('fails a task silent through every attempt with timeout', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('mute', { type: 'silent' });
    const done = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'nsfw', ref: 'mute' }])).id,
    );
    expect(byRef(done).mute).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { code: 'timeout' },
    });
    expect(done.status).toBe('failed');
  });

  it('records one file for a completed event that comes twice', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('twice', { type: 'duplicate' });
    const done = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'image', ref: 'twice', options: { width: 30 } }])).id,
    );
    expect(done.status).toBe('completed');
    const twice = byRef(done).twice!;
    await until(
      () =>
        h.worker.published.filter((e) => e.task_id === twice.id && e.type === 'completed')
          .length === 2,
      'the second event',
    );
    await h.eventsHandled();
    const files = await filesOf(project);
    expect(files.filter((f) => f.ref === 'twice')).toHaveLength(1);
    const again = await h.request(schedulerRpc.getTask, { project_id: project, id: done.id });
    expect(again).toEqual(done);
  });

  it('publishes again a dispatch that did not reach the broker', async () => {
    const project = newId('prj');
    h.transport.failNextDispatches = 1;
    const created = await h.request(schedulerRpc.createTask, {
      project_id: project,
      kind: 'image',
      options: {},
      source: { url: `${SOURCES}narrow.png` },
      webhook: null,
    });
    expect(h.transport.failedDispatches.map((d) => d.kind)).toContain('ingest');
    const done = await h.waitForTask(project, created.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 1, output: { width: 800 } });
    // The same attempt published again, not a new one.
    const [ingest] = (
      await h.request(schedulerRpc.listTasks, { project_id: project, query: { kind: 'ingest' } })
    ).data;
    expect(ingest).toMatchObject({ status: 'completed', attempts: 1 });
    expect(h.worker.dispatchesOf(ingest!.id).map((d) => d.attempt)).toEqual([1]);
  });
});

describe('cancel', () => {
  it('cancels the rest of a run mid-way, tells the worker, and ignores its late result', async () => {
    const project = newId('prj');
    const gate = new Gate();
    h.worker.behaviours.set('slow', { type: 'hold', gate });
    const created = await createRun(project, [
      { kind: 'image', ref: 'quick', options: { width: 40 } },
      { kind: 'image', ref: 'slow', next: [{ kind: 'image', ref: 'after' }] },
    ]);
    const running = await h.waitForTask(
      project,
      created.id,
      (t) => byRef(t).slow?.status === 'processing' && byRef(t).quick?.status === 'completed',
    );
    const slow = byRef(running).slow!;

    const cancelled = await h.request(schedulerRpc.cancelTask, {
      project_id: project,
      id: created.id,
    });
    expect(cancelled).toMatchObject({
      id: created.id,
      status: 'cancelled',
      error: { code: 'cancelled' },
    });
    expect(Object.fromEntries(stepsOf(cancelled).map((s) => [s.ref, s.status]))).toEqual({
      quick: 'completed',
      slow: 'cancelled',
      after: 'cancelled',
    });
    await until(() => h.worker.cancelled.includes(slow.id), 'the cancel broadcast');
    expect(h.worker.cancelled).not.toContain(byRef(running).quick!.id);

    // A worker that finishes anyway: nothing is recorded, and its bytes are cleaned up.
    const before = (await filesOf(project)).length;
    gate.release();
    await until(
      () => h.worker.published.some((e) => e.task_id === slow.id && e.type === 'completed'),
      'the late result',
    );
    const late = h.worker.published.find((e) => e.task_id === slow.id && e.type === 'completed');
    const key = late?.type === 'completed' ? late.result.file!.storage_key : '';
    expect(key).toBe(`projects/${project}/tasks/${slow.id}/1/slow.jpeg`);
    await until(async () => (await h.storage.stat(key)) === null, 'the late output to be removed');
    expect((await filesOf(project)).length).toBe(before);
    expect(
      (await h.request(schedulerRpc.getTask, { project_id: project, id: created.id })).status,
    ).toBe('cancelled');

    expect(
      (await failure(h.request(schedulerRpc.cancelTask, { project_id: project, id: created.id })))
        .code,
    ).toBe('conflict');
    expect(
      (
        await failure(
          h.request(schedulerRpc.cancelTask, { project_id: project, id: byRef(running).quick!.id }),
        )
      ).code,
    ).toBe('conflict');
  });

  it('cancels one step and its subtree while its sibling goes on', async () => {
    const project = newId('prj');
    const gateA = new Gate();
    const gateB = new Gate();
    h.worker.behaviours.set('held-a', { type: 'hold', gate: gateA });
    h.worker.behaviours.set('held-b', { type: 'hold', gate: gateB });
    const created = await createRun(project, [
      { kind: 'image', ref: 'held-a', next: [{ kind: 'image', ref: 'under-a' }] },
      {
        kind: 'image',
        ref: 'held-b',
        next: [{ kind: 'image', ref: 'under-b', options: { width: 8 } }],
      },
    ]);
    const running = await h.waitForTask(
      project,
      created.id,
      (t) => stepsOf(t).filter((s) => s.status === 'processing').length === 2,
    );
    const step = await h.request(schedulerRpc.cancelTask, {
      project_id: project,
      id: byRef(running)['held-a']!.id,
    });
    expect(step).toMatchObject({
      ref: 'held-a',
      status: 'cancelled',
      next: [{ ref: 'under-a', status: 'cancelled' }],
    });
    gateB.release();
    gateA.release();
    const done = await h.waitForTask(project, created.id);
    expect(Object.fromEntries(stepsOf(done).map((s) => [s.ref, s.status]))).toEqual({
      'held-a': 'cancelled',
      'under-a': 'cancelled',
      'held-b': 'completed',
      'under-b': 'completed',
    });
    expect(done.status).toBe('cancelled');
  });
});

describe('webhooks', () => {
  let server: Server;
  let port: number;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const answers = [500, 204];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answers[received.length - 1] ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the ended task signed with its secret, and tries again after a 500', async () => {
    const project = newId('prj');
    const secret = `whsec_${newId('key')}`;
    const created = await h.request(schedulerRpc.createTask, {
      project_id: project,
      kind: 'image',
      options: { width: 32 },
      source: { url: `${SOURCES}narrow.png` },
      webhook: { url: `http://127.0.0.1:${port}/hook`, secret },
    });
    expect(created.webhook_url).toBe(`http://127.0.0.1:${port}/hook`);
    const done = await h.waitForTask(project, created.id);
    await until(() => received.length >= 2, 'two webhook deliveries');

    for (const delivery of received) {
      expect(delivery.headers['content-type']).toBe('application/json');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
        String(delivery.headers['mediaflow-signature']),
      )!;
      expect(createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex')).toBe(v1);
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    }
    const body = JSON.parse(received[1]!.body);
    expect(body).toMatchObject({
      id: created.id,
      object: 'task',
      kind: 'image',
      status: 'completed',
      output: { object: 'file', width: 32 },
    });
    expect(body.output.id).toBe(outputFile(done).id);
    expect(received[1]!.body).not.toContain('storage_key');
    expect(received[1]!.body).not.toContain(project);

    await until(
      async () =>
        (
          await h.sql<{ n: number }>(
            'SELECT count(*)::int AS n FROM scheduler.webhook_deliveries WHERE delivered_at IS NOT NULL',
          )
        )[0]!.n === 1,
      'the delivery to be recorded',
    );
    const [row] = await h.sql<{
      attempts: number;
      last_status: number;
      next_attempt_at: Date | null;
    }>(
      'SELECT attempts, last_status, next_attempt_at FROM scheduler.webhook_deliveries WHERE task_id = $1',
      [created.id],
    );
    expect(row).toEqual({ attempts: 2, last_status: 204, next_attempt_at: null });
    await sleep(500);
    expect(received).toHaveLength(2);
  });

  it('refuses a webhook to an address off MEDIAFLOW_ALLOWED_HOSTS for good, and never sends it', async () => {
    // A receiver on 127.0.0.2: loopback, but not on the allow list (127.0.0.1).
    const offList: string[] = [];
    const other = createServer((req, res) => {
      offList.push(String(req.url));
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', resolve));
    try {
      const project = newId('prj');
      const url = `http://127.0.0.2:${(other.address() as AddressInfo).port}/hook`;
      const created = await h.request(schedulerRpc.createTask, {
        project_id: project,
        kind: 'image',
        options: { width: 32 },
        source: { url: `${SOURCES}narrow.png` },
        webhook: { url, secret: `whsec_${newId('key')}` },
      });
      expect((await h.waitForTask(project, created.id)).status).toBe('completed');
      const row = async () =>
        (
          await h.sql<{
            attempts: number;
            last_status: number | null;
            last_error: string | null;
            delivered_at: Date | null;
            next_attempt_at: Date | null;
          }>(
            'SELECT attempts, last_status, last_error, delivered_at, next_attempt_at FROM scheduler.webhook_deliveries WHERE task_id = $1',
            [created.id],
          )
        )[0];
      await until(async () => ((await row())?.attempts ?? 0) > 0, 'the delivery to be attempted');
      const refused = {
        attempts: 1,
        last_status: null,
        last_error:
          '127.0.0.2 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
        delivered_at: null,
        next_attempt_at: null,
      };
      expect(await row()).toEqual(refused);
      // Several reconcile intervals later: not tried again, nothing arrived.
      await sleep(1_000);
      expect(await row()).toEqual(refused);
      expect(offList).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('restart', () => {
  it('completes a run whose scheduler was restarted in the middle of it', async () => {
    const project = newId('prj');
    const gate = new Gate();
    h.worker.behaviours.set('across', { type: 'hold', gate });
    const created = await createRun(project, [
      {
        kind: 'image',
        ref: 'across',
        options: { width: 900 },
        next: [{ kind: 'image', ref: 'then', options: { width: 300 } }],
      },
    ]);
    const running = await h.waitForTask(
      project,
      created.id,
      (t) => byRef(t).across?.status === 'processing',
    );
    const across = byRef(running).across!.id;
    // The worker finishes while no scheduler is running: its result waits in the stream.
    await h.restart(async () => {
      gate.release();
      await until(
        () => h.worker.published.some((e) => e.task_id === across && e.type === 'completed'),
        'the result',
      );
    });
    const done = await h.waitForTask(project, created.id);
    expect(done.status).toBe('completed');
    expect(stepsOf(done).map((s) => [s.ref, s.status])).toEqual([
      ['across', 'completed'],
      ['then', 'completed'],
    ]);
    expect(outputFile(byRef(done).then!).width).toBe(300);
  });
});
