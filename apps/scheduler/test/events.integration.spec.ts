import {
  MediaflowError,
  isTaskEvent,
  newId,
  schedulerRpc,
  type ProjectEventRecord,
  type TaskRecord,
} from '@mediaflow/contracts';
import { Reconciler } from '../src/reconciler/reconciler.service';
import { Harness, failure, sleep, stepsOf, until } from './support/harness';

// The project's event log, against the real PostgreSQL and NATS: written
// with each change, read back in order by the gateway's streams.
jest.setTimeout(120_000);

/** Runs made at once in the ordering test: enough for transactions to overlap, few enough for a loaded CI. */
const RUNS_AT_ONCE = 20;

let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});

afterAll(async () => {
  await h?.stop();
});

function createRun(project: string, workflow: unknown) {
  return h.request(schedulerRpc.createRun, {
    project_id: project,
    automation_id: null,
    workflow,
    source: { url: 'https://media.example/wide.jpg' },
    webhook: null,
  });
}

function listEvents(
  project: string,
  position: { after_event?: string; after_cursor?: string } = {},
  filter: { task_ids?: string[]; automation_id?: string } = {},
  limit = 1000,
) {
  return h.request(schedulerRpc.listEvents, {
    project_id: project,
    ...position,
    ...filter,
    limit,
  });
}

/** Every event of the project kept so far, read from the start of the log, a page of 50 at a time. */
const readAll = (project: string) => h.keptTaskEvents(project, 50);

const summary = (events: readonly ProjectEventRecord[]) =>
  events.map((e) => [e.data.ref ?? e.data.kind, e.type]);

it('keeps each task of a run created, started and ended, in order, with the task as it was', async () => {
  const project = newId('prj');
  const created = await createRun(project, [
    { kind: 'image', ref: 'first', next: [{ kind: 'summary', ref: 'then' }] },
  ]);
  const done = await h.waitForTask(project, created.id);
  expect(done.status).toBe('completed');

  const events = await readAll(project);
  expect(summary(events)).toEqual([
    ['workflow', 'task.created'],
    ['first', 'task.created'],
    ['then', 'task.created'],
    ['workflow', 'task.started'],
    ['first', 'task.started'],
    ['first', 'task.completed'],
    ['then', 'task.started'],
    ['then', 'task.completed'],
    ['workflow', 'task.completed'],
  ]);
  // Each event's data is its task with its subtree, as it was then.
  const firstDone = events.find((e) => e.data.ref === 'first' && e.type === 'task.completed')!;
  expect(firstDone.data.next![0]).toMatchObject({ ref: 'then', status: 'pending' });
  expect(events.at(-1)!.data).toMatchObject({ id: created.id, status: 'completed' });
  expect(events.at(-1)!.data.workflow).toHaveLength(1);
  // The fake worker reports 50 %: streamed, never kept.
  expect(events.some((e) => e.type === 'task.progress')).toBe(false);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
});

it('carries the events in the change notifications, the kept ones and progress', async () => {
  const project = newId('prj');
  const created = await createRun(project, [{ kind: 'summary', ref: 'only' }]);
  await h.waitForTask(project, created.id);
  await until(
    () =>
      h.transport.announced.some(
        (c) => c.run_id === created.id && c.task_ids.includes(created.id) && !c.created,
      ),
    'the end announced',
  );
  const announced = h.transport.announced
    .filter((c) => c.run_id === created.id)
    .flatMap((c) => c.events ?? []);
  const kept = await readAll(project);
  expect(announced.filter((e) => e.type !== 'task.progress')).toEqual(kept);
});

it('resumes after an event, filters by task, and refuses an event it does not keep', async () => {
  const project = newId('prj');
  const one = await createRun(project, [{ kind: 'summary', ref: 'a' }]);
  const two = await createRun(project, [{ kind: 'summary', ref: 'b' }]);
  await h.waitForTask(project, one.id);
  await h.waitForTask(project, two.id);
  const all = await readAll(project);

  const resumed = await listEvents(project, { after_event: all[2]!.id });
  expect(resumed.data).toEqual(all.slice(3));

  const step = stepsOf(two as TaskRecord)[0]!.id;
  const ofTwo = await listEvents(project, { after_cursor: '0:0' }, { task_ids: [two.id, step] });
  expect(ofTwo.data).toEqual(all.filter((e) => e.data.id === two.id || e.data.id === step));
  const ofStep = await listEvents(project, { after_cursor: '0:0' }, { task_ids: [step] });
  expect(ofStep.data.map((e) => e.type)).toEqual([
    'task.created',
    'task.started',
    'task.completed',
  ]);

  const error = await failure(listEvents(project, { after_event: 'evt_0000000000000000' }));
  expect(error).toBeInstanceOf(MediaflowError);
  expect(error.code).toBe('event_expired');
  // Another project's event is not this project's.
  const other = await failure(listEvents(newId('prj'), { after_event: all[0]!.id }));
  expect(other.code).toBe('event_expired');
});

it('follows from the end: everything after, and at most what committed just before', async () => {
  const project = newId('prj');
  const earlier = await createRun(project, [{ kind: 'summary' }]);
  await h.waitForTask(project, earlier.id);
  const start = await listEvents(project);
  expect(start.data).toEqual([]);
  const later = await createRun(project, [{ kind: 'summary', ref: 'later' }]);
  await h.waitForTask(project, later.id);
  const read = await listEvents(project, { after_cursor: start.cursor });
  const ids = new Set(read.data.map((e) => e.data.id));
  const laterIds = [later.id, stepsOf(later as TaskRecord)[0]!.id];
  for (const id of laterIds) expect(ids).toContain(id);
  // The end is the oldest transaction still open on the database: while
  // another one (any database of the cluster) is open, events committed a
  // moment before the cursor was taken can come again. Never anything else.
  const earlierIds = [earlier.id, stepsOf(earlier as TaskRecord)[0]!.id];
  for (const id of ids) expect([...laterIds, ...earlierIds]).toContain(id);
  const laterEvents = read.data.filter((e) => laterIds.includes(e.data.id));
  expect(laterEvents.map((e) => e.type).sort()).toEqual(
    [
      'task.created',
      'task.created',
      'task.started',
      'task.started',
      'task.completed',
      'task.completed',
    ].sort(),
  );
});

it('never reads an event out of order while many runs change at once: every one once', async () => {
  const project = newId('prj');
  const seen: ProjectEventRecord[] = [];
  let cursor = (await listEvents(project)).cursor;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const page = await listEvents(project, { after_cursor: cursor }, {}, 20);
      seen.push(...page.data.filter(isTaskEvent));
      cursor = page.cursor;
      // As a stream reads: again at once while there is more, else shortly (not in a tight loop).
      if (!page.has_more) await sleep(page.pending ? 5 : 25);
    }
  })();
  const runs = await Promise.all(
    Array.from({ length: RUNS_AT_ONCE }, (_, i) =>
      createRun(project, [{ kind: 'summary', ref: `r${i}` }]),
    ),
  );
  await Promise.all(runs.map((run) => h.waitForTask(project, run.id, undefined, 60_000)));
  const everything = await readAll(project);
  await until(() => seen.length >= everything.length, 'the follower to catch up');
  reading = false;
  await reader;
  expect(seen.map((e) => e.id)).toEqual(everything.map((e) => e.id));
  expect(everything).toHaveLength(RUNS_AT_ONCE * 6);
});

it('forgets events past their retention', async () => {
  const project = newId('prj');
  await h.waitForTask(project, (await createRun(project, [{ kind: 'summary' }])).id);
  expect((await readAll(project)).length).toBe(6);
  await h.sql(
    `UPDATE scheduler.events SET recorded_at = now() - interval '1 hour' * $2 WHERE project_id = $1`,
    [project, h.config.MEDIAFLOW_EVENT_RETENTION_HOURS + 1],
  );
  await h.scheduler.app.get(Reconciler).runRound();
  expect(await readAll(project)).toEqual([]);
});

// Typed use of a record from the run's answer.
export type { TaskRecord };
