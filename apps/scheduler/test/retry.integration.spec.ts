import { newId, schedulerRpc, type TaskRecord } from '@mediaflow/contracts';
import { WebhookReceiver } from '@mediaflow/testing';
import { Gate, type Behaviour } from './support/fake-worker';
import { Harness, failure, stepsOf, until } from './support/harness';

// POST /tasks/:id/retry (docs/runs.md, Retrying), against the real
// PostgreSQL and NATS JetStream: only what failed or was cancelled runs
// again, completed outputs stay, each attempt is in the history, and a
// claim retries once.
jest.setTimeout(60_000);

const SOURCE = 'https://media.example/wide.jpg';
let h: Harness;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  h = await Harness.start();
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await h?.stop();
});

function createRun(project: string, workflow: unknown, source = SOURCE) {
  return h.request(schedulerRpc.createRun, {
    project_id: project,
    automation_id: null,
    workflow,
    source: { url: source },
    webhook: { url: receiver.url, secret: `whsec_${newId('key')}` },
  });
}

function retry(project: string, id: string, key?: string) {
  return h.request(schedulerRpc.retryTask, {
    project_id: project,
    id,
    ...(key ? { idempotency_key: key } : {}),
  });
}

const byRef = (task: TaskRecord) =>
  Object.fromEntries(stepsOf(task).map((s) => [s.ref ?? s.kind, s]));

/** Fails the first `times` attempts for good (an input error is not retried), then completes. */
const failsFirst = (times: number): Behaviour => ({
  type: 'fail',
  code: 'input_unreadable',
  retryable: false,
  times,
});

/** The webhook bodies of task `id`, in the order they came. */
const hooksOf = (id: string): TaskRecord[] =>
  receiver.requests
    .map((request) => JSON.parse(request.body) as TaskRecord)
    .filter((hook) => hook.id === id);

describe('a run with a failed step', () => {
  const project = newId('prj');
  let first: TaskRecord;
  let retried: TaskRecord;

  beforeAll(async () => {
    // Its provider down for three attempts, all it has: the step fails for good.
    h.worker.behaviours.set('sum', {
      type: 'fail',
      code: 'provider_unavailable',
      retryable: true,
      times: 3,
    });
    const run = await createRun(project, [
      {
        kind: 'image',
        ref: 'small',
        options: { width: 320 },
        next: [{ kind: 'summary', ref: 'describe' }],
      },
      { kind: 'summary', ref: 'sum', next: [{ kind: 'nsfw', ref: 'check' }] },
    ]);
    first = await h.waitForTask(project, run.id);
    await until(() => hooksOf(run.id).length === 1, 'the webhook of the failed run');
    retried = await retry(project, run.id);
  });

  it('failed, naming the step; what was under it skipped for it', () => {
    expect(first).toMatchObject({ status: 'failed', attempts: 0, attempt_history: [] });
    expect(first.error).toMatchObject({ code: 'provider_unavailable', step: { ref: 'sum' } });
    const steps = byRef(first);
    expect(steps.check!.skip_reason?.code).toBe('upstream_failed');
    expect(steps.sum!.attempt_history.map((a) => [a.attempt, a.status, a.error?.code])).toEqual([
      [1, 'failed', 'provider_unavailable'],
      [2, 'failed', 'provider_unavailable'],
      [3, 'failed', 'provider_unavailable'],
    ]);
  });

  it('runs again only the failed step and what was skipped for it, keeping completed outputs', async () => {
    expect(retried).toMatchObject({ status: 'processing', attempts: 1, error: null });
    const again = await h.waitForTask(project, first.id);
    expect(again).toMatchObject({ status: 'completed', progress: 100, attempts: 1, error: null });
    const before = byRef(first);
    const after = byRef(again);
    // The completed steps were not dispatched again, and kept their outputs.
    for (const ref of ['small', 'describe']) {
      expect(h.worker.dispatchesOf(before[ref]!.id)).toHaveLength(1);
      expect(after[ref]).toMatchObject({ status: 'completed', attempts: 1 });
      expect(after[ref]!.output).toEqual(before[ref]!.output);
    }
    expect(h.worker.dispatchesOf(before.sum!.id).map((d) => d.attempt)).toEqual([1, 2, 3, 4]);
    expect(after.sum!.attempts).toBe(4);
    expect(after.sum!.attempt_history.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'completed'],
    ]);
    const last = after.sum!.attempt_history[3]!;
    expect(last.started_at).not.toBeNull();
    expect(last.finished_at).toBeGreaterThanOrEqual(last.started_at!);
    expect(after.check).toMatchObject({ status: 'completed', skip_reason: null, attempts: 1 });
    expect(h.worker.dispatchesOf(after.check!.id)).toHaveLength(1);
  });

  it('sends the webhook again, and keeps both endings in the event log', async () => {
    await until(() => hooksOf(first.id).length === 2, 'the webhook of the retried run');
    expect(hooksOf(first.id).map((hook) => hook.status)).toEqual(['failed', 'completed']);
    const ofRun = (await h.keptTaskEvents(project)).filter((e) => e.data.id === first.id);
    expect(ofRun.map((e) => e.type)).toEqual(
      expect.arrayContaining(['task.failed', 'task.completed']),
    );
  });

  it('refuses a run that has nothing to retry, and a step that did not fail', async () => {
    const completed = await failure(retry(project, first.id));
    expect(completed.code).toBe('conflict');
    expect(completed.message).toMatch(/nothing in it failed or was cancelled/);
    const step = await failure(retry(project, byRef(first).small!.id));
    expect(step.code).toBe('conflict');
    expect((await failure(retry(project, newId('task')))).code).toBe('not_found');
    // Another project's run is not there for this one.
    expect((await failure(retry(newId('prj'), first.id))).code).toBe('not_found');
  });
});

it('refuses a run still processing', async () => {
  const project = newId('prj');
  const gate = new Gate();
  h.worker.behaviours.set('held', { type: 'hold', gate });
  const run = await createRun(project, [{ kind: 'summary', ref: 'held' }]);
  await h.waitForTask(project, run.id, (t) => stepsOf(t)[0]!.status === 'processing');
  const refused = await failure(retry(project, run.id));
  expect(refused.code).toBe('conflict');
  expect(refused.message).toMatch(/still processing/);
  gate.release();
  expect((await h.waitForTask(project, run.id)).status).toBe('completed');
});

it('with a claim, retries once: the same claim again answers the run as it is', async () => {
  const project = newId('prj');
  h.worker.behaviours.set('twice', failsFirst(2));
  const run = await createRun(project, [{ kind: 'summary', ref: 'twice' }]);
  const step = stepsOf(await h.waitForTask(project, run.id))[0]!;
  expect(step.status).toBe('failed');

  await retry(project, run.id, 'claim-a');
  expect((await h.waitForTask(project, run.id)).status).toBe('failed');
  const again = await retry(project, run.id, 'claim-a');
  expect(again).toMatchObject({ status: 'failed', attempts: 1 });
  expect(h.worker.dispatchesOf(step.id)).toHaveLength(2);

  await retry(project, run.id, 'claim-b');
  const done = await h.waitForTask(project, run.id);
  expect(done).toMatchObject({ status: 'completed', attempts: 2 });
  expect(h.worker.dispatchesOf(step.id)).toHaveLength(3);
});

it('a run whose source failed fetches it again, then runs every step', async () => {
  const project = newId('prj');
  h.worker.behaviours.set('narrow.png', failsFirst(1));
  const run = await createRun(
    project,
    [
      { kind: 'image', ref: 'small', options: { width: 100 } },
      { kind: 'nsfw', ref: 'check' },
    ],
    'https://media.example/narrow.png',
  );
  const failed = await h.waitForTask(project, run.id);
  expect(failed.error?.step).toMatchObject({ kind: 'ingest', ref: 'source' });
  expect(stepsOf(failed).map((s) => s.skip_reason?.code)).toEqual([
    'source_failed',
    'source_failed',
  ]);

  await retry(project, run.id);
  const done = await h.waitForTask(project, run.id);
  expect(done.status).toBe('completed');
  expect(stepsOf(done).map((s) => [s.status, s.attempts])).toEqual([
    ['completed', 1],
    ['completed', 1],
  ]);
  expect(done.input).not.toBeNull();
});

it('a cancelled run runs again what was cancelled; a step retried alone runs only its subtree', async () => {
  const project = newId('prj');
  const gate = new Gate();
  h.worker.behaviours.set('slow', { type: 'hold', gate });
  h.worker.behaviours.set('broken', failsFirst(1));
  const run = await createRun(project, [
    { kind: 'summary', ref: 'slow', next: [{ kind: 'nsfw', ref: 'after-slow' }] },
    { kind: 'summary', ref: 'broken' },
    { kind: 'summary', ref: 'fine' },
  ]);
  await h.waitForTask(project, run.id, (t) => {
    const steps = byRef(t);
    return steps.slow!.status === 'processing' && steps.broken!.status === 'failed';
  });
  await h.request(schedulerRpc.cancelTask, { project_id: project, id: run.id });
  gate.release();
  const cancelled = await h.waitForTask(project, run.id);
  expect(cancelled.status).toBe('cancelled');

  // The cancelled step alone: its subtree runs, the failed sibling stays failed.
  const slow = byRef(cancelled).slow!;
  await retry(project, slow.id);
  const partly = await h.waitForTask(project, run.id);
  expect(partly.status).toBe('failed');
  expect(Object.values(byRef(partly)).map((s) => [s.ref, s.status])).toEqual([
    ['slow', 'completed'],
    ['after-slow', 'completed'],
    ['broken', 'failed'],
    ['fine', 'completed'],
  ]);
  expect(h.worker.dispatchesOf(byRef(partly).fine!.id)).toHaveLength(1);
  expect(byRef(partly).slow!.attempt_history.map((a) => [a.attempt, a.status])).toEqual([
    [1, 'cancelled'],
    [2, 'completed'],
  ]);

  await retry(project, run.id);
  const done = await h.waitForTask(project, run.id);
  expect(done).toMatchObject({ status: 'completed', attempts: 2 });
});

it('a task on its own runs again', async () => {
  const project = newId('prj');
  // A task on its own has no ref: the fake worker knows it by the empty one.
  h.worker.behaviours.set('', failsFirst(1));
  try {
    const task = await h.request(schedulerRpc.createTask, {
      project_id: project,
      kind: 'summary',
      options: {},
      source: { url: SOURCE },
      webhook: null,
    });
    expect((await h.waitForTask(project, task.id)).status).toBe('failed');
    await retry(project, task.id);
    const done = await h.waitForTask(project, task.id);
    expect(done).toMatchObject({ status: 'completed', attempts: 2, error: null });
    expect(done.attempt_history.map((a) => a.status)).toEqual(['failed', 'completed']);
  } finally {
    h.worker.behaviours.delete('');
  }
});
