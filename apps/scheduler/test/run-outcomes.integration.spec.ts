import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId, schedulerRpc, type TaskRecord } from '@mediaflow/contracts';
import { Gate } from './support/fake-worker';
import { Harness, stepsOf, until } from './support/harness';

// What a run says about itself (docs/runs.md): why each skipped step did
// not run, the first failure of a failed run, the count of its steps in each
// status, and progress that moves with its steps and never goes back. Read
// back from the stored task, the webhook body and the kept events, against
// the real PostgreSQL and NATS JetStream.
jest.setTimeout(60_000);

const SOURCES = 'https://media.example/';
let h: Harness;
let receiver: Server;
let hookUrl: string;
/** Webhook bodies received, by task id. */
const hooks = new Map<string, TaskRecord>();

beforeAll(async () => {
  h = await Harness.start();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const task = JSON.parse(body) as TaskRecord;
      hooks.set(task.id, task);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await h?.stop();
});

function createRun(project: string, workflow: unknown, source = `${SOURCES}wide.jpg`) {
  return h.request(schedulerRpc.createRun, {
    project_id: project,
    automation_id: null,
    workflow,
    source: { url: source },
    webhook: { url: hookUrl, secret: `whsec_${newId('key')}` },
  });
}

const byRef = (task: TaskRecord) =>
  Object.fromEntries(stepsOf(task).map((s) => [s.ref ?? s.kind, s]));

async function webhookOf(id: string): Promise<TaskRecord> {
  await until(() => hooks.has(id), `the webhook of ${id}`);
  return hooks.get(id)!;
}

const NONE = { pending: 0, waiting: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };

describe('a step that does not apply to the input', () => {
  const project = newId('prj');
  let done: TaskRecord;

  beforeAll(async () => {
    // The README's first automation, "Process uploads", on a picture.
    const created = await createRun(project, [
      { kind: 'summary' },
      { kind: 'image', options: { width: 320, format: 'png' } },
      { kind: 'subtitles' },
    ]);
    done = await h.waitForTask(project, created.id);
  });

  it('is skipped with why, never dispatched, and the run completes', () => {
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    const [summary, image, subtitles] = stepsOf(done);
    expect([summary!.status, image!.status]).toEqual(['completed', 'completed']);
    expect(subtitles).toMatchObject({
      status: 'skipped',
      attempts: 0,
      error: null,
      skip_reason: {
        code: 'not_applicable',
        message: 'subtitles takes video or audio; the input is an image (wide.jpg)',
      },
      // The input it could not take.
      input: { id: done.input!.id },
    });
    expect(summary!.skip_reason).toBeNull();
    expect(h.worker.dispatchesOf(subtitles!.id)).toEqual([]);
  });

  it('counts the run’s steps by status, in the task, its listing, its webhook and its last event', async () => {
    const counts = { ...NONE, completed: 2, skipped: 1 };
    expect(done.steps_summary).toEqual(counts);

    const listed = await h.request(schedulerRpc.listTasks, {
      project_id: project,
      query: { kind: 'workflow' },
    });
    expect(listed.data.map((t) => [t.id, t.steps_summary])).toEqual([[done.id, counts]]);
    expect(listed.data[0]).not.toHaveProperty('workflow');

    const hook = await webhookOf(done.id);
    expect(hook).toMatchObject({ status: 'completed', error: null, steps_summary: counts });
    expect(byRef(hook).subtitles!.skip_reason).toEqual(byRef(done).subtitles!.skip_reason);

    const events = await h.keptTaskEvents(project);
    const subtitles = events.filter((e) => e.data.id === byRef(done).subtitles!.id);
    expect(subtitles.map((e) => [e.type, e.data.skip_reason?.code ?? null])).toEqual([
      ['task.created', null],
      ['task.skipped', 'not_applicable'],
    ]);
    const last = events.at(-1)!;
    expect(last).toMatchObject({
      type: 'task.completed',
      data: { id: done.id, steps_summary: counts },
    });
  });
});

describe('a failed run', () => {
  const project = newId('prj');
  let done: TaskRecord;

  beforeAll(async () => {
    h.worker.behaviours.set('broken', { type: 'fail', code: 'input_unreadable', retryable: false });
    const created = await createRun(project, [
      { kind: 'image', ref: 'broken', next: [{ kind: 'image', ref: 'below' }] },
      {
        kind: 'conditions',
        ref: 'is-video',
        conditions: [{ prop: 'kind', value: 'video' }],
        next: [{ kind: 'image', ref: 'never' }],
      },
      { kind: 'image', ref: 'fine', options: { width: 100 } },
    ]);
    done = await h.waitForTask(project, created.id);
  });

  it('says which step failed first, and why', () => {
    const steps = byRef(done);
    expect(done).toMatchObject({
      status: 'failed',
      progress: 100,
      error: {
        code: 'input_unreadable',
        message: 'simulated input_unreadable',
        step: { id: steps.broken!.id, ref: 'broken', kind: 'image' },
      },
      steps_summary: { ...NONE, completed: 2, failed: 1, skipped: 2 },
    });
    expect(steps.broken).toMatchObject({ status: 'failed', skip_reason: null });
  });

  it('gives every skipped step a reason and an evaluated conditions step 100 %', () => {
    const steps = byRef(done);
    expect(steps.below!.skip_reason).toEqual({
      code: 'upstream_failed',
      message: 'image "broken" failed (input_unreadable), so this step got no input',
    });
    expect(steps.never!.skip_reason).toEqual({
      code: 'branch_not_taken',
      message: 'conditions "is-video" did not hold for the input, so its next steps did not run',
    });
    expect(steps['is-video']).toMatchObject({ status: 'completed', progress: 100 });
    expect(steps.fine).toMatchObject({ status: 'completed', progress: 100, skip_reason: null });
  });

  it('sends the same in its webhook and its task.failed event', async () => {
    const hook = await webhookOf(done.id);
    expect(hook.error).toEqual(done.error);
    expect(hook.steps_summary).toEqual(done.steps_summary);

    const events = await h.keptTaskEvents(project);
    const failed = events.filter((e) => e.type === 'task.failed').map((e) => e.data);
    expect(failed.map((t) => t.ref ?? t.kind)).toEqual(['broken', 'workflow']);
    expect(failed[1]).toMatchObject({ error: done.error, steps_summary: done.steps_summary });
  });

  it('fails with its source’s error, naming the ingest, when the source cannot be had', async () => {
    h.worker.behaviours.set('gone.jpg', {
      type: 'fail',
      code: 'input_unreadable',
      retryable: false,
    });
    const run = await h.waitForTask(
      project,
      (await createRun(project, [{ kind: 'image', ref: 'never' }], `${SOURCES}gone.jpg`)).id,
    );
    const [ingest] = (
      await h.request(schedulerRpc.listTasks, { project_id: project, query: { kind: 'ingest' } })
    ).data.filter((t) => t.parent_id === run.id);
    expect(run).toMatchObject({
      status: 'failed',
      error: {
        code: 'input_unreadable',
        step: { id: ingest!.id, ref: 'source', kind: 'ingest' },
      },
      steps_summary: { ...NONE, skipped: 1 },
    });
    expect(byRef(run).never!.skip_reason).toEqual({
      code: 'source_failed',
      message: "The run's source could not be ingested (input_unreadable), so no step got an input",
    });
  });
});

describe('progress', () => {
  it('weighs each step by its own: a step at 40 % beside a finished one is 70 %', async () => {
    const project = newId('prj');
    const gate = new Gate();
    h.worker.behaviours.set('held', { type: 'hold', gate, progress: 40 });
    const created = await createRun(project, [
      { kind: 'image', ref: 'held' },
      { kind: 'image', ref: 'quick', options: { width: 50 } },
    ]);
    const during = await h.waitForTask(project, created.id, (run) => {
      const steps = byRef(run);
      return steps.held!.progress === 40 && steps.quick!.status === 'completed';
    });
    // One read of the run: its progress was written with its steps', in the same statement.
    expect(during).toMatchObject({
      status: 'processing',
      progress: 70,
      steps_summary: { ...NONE, processing: 1, completed: 1 },
    });
    gate.release();
    expect(await h.waitForTask(project, created.id)).toMatchObject({
      status: 'completed',
      progress: 100,
    });
  });

  it('never goes back, not when a step starts again from 0 on a retry', async () => {
    const project = newId('prj');
    const gate = new Gate();
    // 90 %, then a failure worth another attempt: its progress starts again from 0.
    h.worker.behaviours.set('flaky', {
      type: 'fail',
      code: 'provider_unavailable',
      retryable: true,
      times: 1,
      progress: 90,
    });
    h.worker.behaviours.set('steady', { type: 'hold', gate, progress: 20 });
    const created = await createRun(project, [
      { kind: 'image', ref: 'flaky' },
      { kind: 'image', ref: 'steady' },
    ]);
    const seen: number[] = [];
    let retryWait: TaskRecord | undefined;
    await h.waitForTask(project, created.id, (run) => {
      seen.push(run.progress);
      const flaky = byRef(run).flaky!;
      // Waiting out the retry's backoff: the step shows 0 again. (Started once already: before
      // its first start, a slow worker leaves it pending at 0 too.)
      const retrying = flaky.status === 'pending' && flaky.attempts === 1 && flaky.started_at;
      if (retrying && flaky.progress === 0) retryWait ??= run;
      return flaky.status === 'completed';
    });
    expect(retryWait).toBeDefined();
    // The steps alone would say (0 + 20) / 2 = 10 or less: the run keeps (90 + 0..20) / 2.
    expect(retryWait!.progress).toBeGreaterThanOrEqual(45);
    gate.release();
    const done = await h.waitForTask(project, created.id, (run) => {
      seen.push(run.progress);
      return run.status === 'completed';
    });
    expect(done.progress).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(2);
  });
});
