import { newId, schedulerRpc, type TaskChange, type TaskRecord } from '@mediaflow/contracts';
import { JetStreamTaskTransport } from '@mediaflow/messaging';
import { FAILS_ONCE, Gate } from './support/fake-worker';
import { Harness, NATS_URL, stepsOf, until } from './support/harness';

// Change notifications, against the real PostgreSQL and NATS: what the
// scheduler announces after each decision it commits, as a gateway hears it.
jest.setTimeout(60_000);

let h: Harness;
let follower: JetStreamTaskTransport;
const heard: TaskChange[] = [];

beforeAll(async () => {
  h = await Harness.start();
  follower = await JetStreamTaskTransport.connect({
    url: NATS_URL,
    name: 'change-follower',
    subjectPrefix: h.prefix,
  });
  await follower.followChanges((change) => heard.push(change));
});

afterAll(async () => {
  await follower?.close();
  await h?.stop();
});

function createRun(project: string, workflow: unknown, url = 'https://media.example/wide.jpg') {
  return h.request(schedulerRpc.createRun, {
    project_id: project,
    automation_id: null,
    workflow,
    source: { url },
    webhook: null,
  });
}

const stepId = (task: TaskRecord, ref: string) => stepsOf(task).find((s) => s.ref === ref)!.id;

/** What the scheduler announced about one run, in order (its own record: every announcement it made). */
const announcedFor = (runId: string) => h.transport.announced.filter((c) => c.run_id === runId);

async function ingestOf(project: string): Promise<TaskRecord> {
  const { data } = await h.request(schedulerRpc.listTasks, {
    project_id: project,
    query: { kind: 'ingest' },
  });
  return data[0]!;
}

it('announces each decision of a run once, naming every task it changed', async () => {
  const project = newId('prj');
  const created = await createRun(project, [{ kind: 'image', ref: 'small' }]);
  const done = await h.waitForTask(project, created.id);
  expect(done.status).toBe('completed');
  const ingest = (await ingestOf(project)).id;
  const step = stepId(done, 'small');

  await until(() => heard.filter((c) => c.run_id === created.id).length === 7, 'every change');
  // One notification per decision, however many rows it changed: the run
  // made, the ingest started, at 50 %, completed (its step dispatched with
  // it), the step started, at 50 % (the run's progress with it), and
  // completed (the run with it).
  expect(announcedFor(created.id).map((c) => [...c.task_ids].sort())).toEqual([
    [created.id, ingest, step].sort(),
    [ingest],
    [ingest],
    [ingest, step].sort(),
    [step],
    [created.id, step].sort(),
    [created.id, step].sort(),
  ]);
  expect(announcedFor(created.id).map((c) => c.created ?? false)).toEqual([
    true,
    ...Array(6).fill(false),
  ]);
  for (const change of announcedFor(created.id)) {
    expect(change).toMatchObject({ v: 1, project_id: project, run_id: created.id });
  }
  // What the gateway hears is what was announced.
  expect(heard.filter((c) => c.run_id === created.id)).toEqual(announcedFor(created.id));
});

it('announces after commit: a read on the notification finds the change', async () => {
  const project = newId('prj');
  const reads: Promise<TaskRecord>[] = [];
  const stop = await follower.followChanges((change) => {
    if (change.project_id === project && change.task_ids.includes(change.run_id))
      reads.push(h.request(schedulerRpc.getTask, { project_id: project, id: change.run_id }));
  });
  try {
    const created = await createRun(project, [{ kind: 'summary', ref: 'short' }]);
    await h.waitForTask(project, created.id);
    // Made, moved to 50 % by its step's report, ended.
    await until(() => reads.length === 3, 'the run made, moved and ended');
    const [made, moved, ended] = await Promise.all(reads);
    expect(made!.status).toBe('processing');
    // Read on hearing: the step's completion may have come in between.
    expect(moved!.progress).toBeGreaterThanOrEqual(50);
    expect(ended).toMatchObject({ status: 'completed', progress: 100 });
  } finally {
    await stop.stop();
  }
});

it("announces a retry scheduled and the reconciler's dispatches (after a backoff, after silence)", async () => {
  const project = newId('prj');
  h.worker.behaviours.set('flaky', FAILS_ONCE);
  h.worker.behaviours.set('lost', { type: 'silent', times: 1 });
  const created = await createRun(project, [
    { kind: 'summary', ref: 'flaky' },
    { kind: 'summary', ref: 'lost' },
  ]);
  const done = await h.waitForTask(project, created.id);
  expect(done.status).toBe('completed');
  const naming = (id: string) =>
    announcedFor(created.id).filter((c) => !c.created && c.task_ids.includes(id));
  // Dispatched, started, failed (a retry scheduled), dispatched again by the
  // reconciler once the backoff was over, started, at 50 %, completed.
  expect(naming(stepId(done, 'flaky'))).toHaveLength(7);
  // Dispatched, silent, dispatched again by the reconciler, started, at 50 %, completed.
  expect(naming(stepId(done, 'lost'))).toHaveLength(5);
});

it('announces a cancel with every task it ended', async () => {
  const project = newId('prj');
  const gate = new Gate();
  h.worker.behaviours.set('held', { type: 'hold', gate });
  try {
    const created = await createRun(project, [
      { kind: 'image', ref: 'held', next: [{ kind: 'image', ref: 'after' }] },
    ]);
    const running = await h.waitForTask(
      project,
      created.id,
      (t) => stepsOf(t).find((s) => s.ref === 'held')?.status === 'processing',
    );
    await h.request(schedulerRpc.cancelTask, { project_id: project, id: created.id });
    const cancelled = announcedFor(created.id)
      .filter((c) => c.task_ids.includes(stepId(running, 'after')))
      .at(-1);
    expect(cancelled?.task_ids.sort()).toEqual(
      [created.id, stepId(running, 'held'), stepId(running, 'after')].sort(),
    );
  } finally {
    gate.release();
  }
});

it('goes on when a notification cannot be published: the decision stands', async () => {
  const project = newId('prj');
  h.transport.failNextAnnouncements = 1;
  const created = await createRun(project, [{ kind: 'summary', ref: 'unheard' }]);
  expect(h.transport.failNextAnnouncements).toBe(0);
  // The creation went unannounced; the run was made, and ran, all the same.
  expect(announcedFor(created.id).some((c) => c.created)).toBe(false);
  expect(await h.waitForTask(project, created.id)).toMatchObject({ status: 'completed' });
  expect(announcedFor(created.id).at(-1)!.task_ids).toContain(created.id);
});
