import { MediaflowError, newId, schedulerRpc, type TaskRecord } from '@mediaflow/contracts';
import { Gate } from './support/fake-worker';
import { Harness, failure, until } from './support/harness';

// Fair dispatch against the real PostgreSQL and NATS JetStream: a fake worker
// with two slots per kind, each task taking 150 ms, so that a backlog is a
// queue that lasts seconds.
jest.setTimeout(90_000);

const SOURCES = 'https://media.example/';
const QUEUE_MIN = 2;
const SLOTS = 2;
let h: Harness;

beforeAll(async () => {
  h = await Harness.start(
    { MEDIAFLOW_DISPATCH_QUEUE_MIN: String(QUEUE_MIN), MEDIAFLOW_INGESTS_PER_PROJECT: '1' },
    { slots: SLOTS, workMs: 150 },
  );
});

afterAll(async () => {
  await h?.stop();
});

/** A stored image of the project's own, to run tasks on without an ingest each. */
async function storedImage(project: string): Promise<string> {
  const ingest = await h.request(schedulerRpc.createIngest, {
    project_id: project,
    source: { url: `${SOURCES}wide.jpg` },
    filename: null,
  });
  const done = await h.waitForTask(project, ingest.id);
  expect(done.status).toBe('completed');
  return (done.output as { id: string }).id;
}

function imageTask(project: string, fileId: string, limit?: number): Promise<TaskRecord> {
  return h.request(schedulerRpc.createTask, {
    project_id: project,
    kind: 'image',
    options: { width: 32 },
    source: { file_id: fileId },
    webhook: null,
    ...(limit ? { runs_in_flight_limit: limit } : {}),
  });
}

async function heldWork(): Promise<Record<string, number>> {
  const response = await fetch(`${h.scheduler.url}/scaling`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { held: Record<string, number> }).held;
}

interface Started {
  project_id: string;
  started_at: Date;
}

describe('fair dispatch', () => {
  it("runs one project's single task ahead of another's backlog, and says how much it holds back", async () => {
    const busy = newId('prj');
    const quiet = newId('prj');
    const [busyFile, quietFile] = await Promise.all([storedImage(busy), storedImage(quiet)]);

    const BACKLOG = 60;
    const backlog = await Promise.all(
      Array.from({ length: BACKLOG }, () => imageTask(busy, busyFile)),
    );
    // The broker has a short queue; the rest waits in PostgreSQL, where the autoscaler reads it.
    const held = await heldWork();
    expect(held.image).toBeGreaterThan(0);
    expect(held.video).toBe(0);

    const single = await imageTask(quiet, quietFile);
    const done = await h.waitForTask(quiet, single.id);
    expect(done.status).toBe('completed');

    // What of the backlog started between the single task's creation and its start: one
    // queue's worth and the slots' (with one more for a release under way), not the backlog.
    const [quietStart] = await h.sql<Started>(
      'SELECT project_id, started_at FROM scheduler.tasks WHERE id = $1',
      [single.id],
    );
    const [overtook] = await h.sql<{ count: string }>(
      `SELECT count(*) AS count FROM scheduler.tasks
       WHERE project_id = $1 AND kind = 'image' AND started_at > $2 AND started_at < $3`,
      [busy, new Date(single.created_at), quietStart!.started_at],
    );
    expect(Number(overtook!.count)).toBeLessThanOrEqual(QUEUE_MIN + SLOTS + 1);
    const [unstarted] = await h.sql<{ count: string }>(
      `SELECT count(*) AS count FROM scheduler.tasks
       WHERE project_id = $1 AND kind = 'image' AND (started_at IS NULL OR started_at > $2)`,
      [busy, quietStart!.started_at],
    );
    // The backlog was still there when the single task ran: it did not just wait it out.
    expect(Number(unstarted!.count)).toBeGreaterThan(BACKLOG / 3);

    for (const task of backlog)
      expect((await h.waitForTask(busy, task.id)).status).toBe('completed');
    expect((await heldWork()).image).toBe(0);
    const [left] = await h.sql<{ count: string }>(
      'SELECT count(*) AS count FROM scheduler.tasks WHERE held_since IS NOT NULL',
    );
    expect(Number(left!.count)).toBe(0);
  });

  it("keeps one project's ingests to its share of the slots, so another's goes past them", async () => {
    const flooding = newId('prj');
    const other = newId('prj');
    const gate = new Gate();
    h.worker.behaviours.set('narrow.png', { type: 'hold', gate });
    try {
      const ingests = await Promise.all(
        Array.from({ length: 6 }, () =>
          h.request(schedulerRpc.createIngest, {
            project_id: flooding,
            source: { url: `${SOURCES}narrow.png` },
            filename: null,
          }),
        ),
      );
      const ids = new Set(ingests.map((ingest) => ingest.id));
      const taken = () => h.worker.received.filter((d) => ids.has(d.task_id)).length;
      await until(async () => taken() === 1, 'one of the six ingests to reach the worker');

      // The flood has its one ingest in flight (MEDIAFLOW_INGESTS_PER_PROJECT); the other slot is free.
      const elsewhere = await h.request(schedulerRpc.createIngest, {
        project_id: other,
        source: { url: `${SOURCES}wide.jpg` },
        filename: null,
      });
      expect((await h.waitForTask(other, elsewhere.id)).status).toBe('completed');
      expect(taken()).toBe(1);
      expect((await heldWork()).ingest).toBe(5);

      gate.release();
      for (const ingest of ingests)
        expect((await h.waitForTask(flooding, ingest.id)).status).toBe('completed');
    } finally {
      h.worker.behaviours.delete('narrow.png');
      gate.release();
    }
  });
});

describe('runs in flight', () => {
  it('refuses a run past the limit the gateway passes, and takes it once one has ended', async () => {
    const project = newId('prj');
    const file = await storedImage(project);
    const gate = new Gate();
    h.worker.behaviours.set('held', { type: 'hold', gate });
    try {
      const holding = await h.request(schedulerRpc.createRun, {
        project_id: project,
        automation_id: null,
        workflow: [{ kind: 'image', options: { width: 16 }, ref: 'held' }],
        source: { file_id: file },
        webhook: null,
        runs_in_flight_limit: 1,
      });
      const refused = await failure(imageTask(project, file, 1));
      expect(refused).toBeInstanceOf(MediaflowError);
      expect(refused).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(refused.message).toMatch(/1 runs in flight.*runs_in_flight is 1/);
      // Another project is not counted against it.
      const elsewhere = newId('prj');
      await expect(imageTask(elsewhere, await storedImage(elsewhere), 1)).resolves.toBeDefined();

      gate.release();
      expect((await h.waitForTask(project, holding.id)).status).toBe('completed');
      const next = await imageTask(project, file, 1);
      expect((await h.waitForTask(project, next.id)).status).toBe('completed');
    } finally {
      h.worker.behaviours.delete('held');
      gate.release();
    }
  });
});
