import { projectEventId, type ProjectEventRecord, type TaskStatus } from '@mediaflow/contracts';
import { LATER, taskRow } from '../../test/fixtures/rows';
import { indexFiles } from '../files/file-index';
import type { TaskRow } from '../tasks/task-row';
import { buildTaskTree } from '../tasks/task-tree';
import { creationEvents, runEvents, type RunState } from './run-events';

const RUN = 'task_run0000000000000';
const FIRST = 'task_first00000000000';
const SECOND = 'task_second0000000000';
const INGEST = 'task_ingest0000000000';

const started = { attempt: 1, started_at: LATER, updated_at: LATER };

/** A run of two steps, the second after the first, and the ingest that fetches its source. */
function runRows(
  root: Partial<TaskRow>,
  first: Partial<TaskRow> = {},
  second: Partial<TaskRow> = {},
  ingest: Partial<TaskRow> = {},
): TaskRow[] {
  return [
    taskRow({ id: RUN, run_id: RUN, kind: 'workflow', ...root }),
    taskRow({ id: INGEST, run_id: RUN, parent_id: RUN, kind: 'ingest', ref: 'source', ...ingest }),
    taskRow({ id: FIRST, run_id: RUN, parent_id: RUN, position: 0, ...first }),
    taskRow({ id: SECOND, run_id: RUN, parent_id: FIRST, branch: 'next', position: 0, ...second }),
  ];
}

function runState(rows: TaskRow[]): RunState {
  return {
    root: { id: rows[0]!.id, project_id: rows[0]!.project_id },
    rows,
    files: indexFiles([]),
  };
}

/** What each event said: its type, then its task's id and status. */
const news = (events: ProjectEventRecord[]) =>
  events.map((e) => `${e.type} ${e.data.id} ${e.data.status}`);

const finished = (status: TaskStatus): Partial<TaskRow> => ({
  ...started,
  status,
  progress: status === 'completed' ? 100 : 0,
  finished_at: LATER,
});

describe('runEvents', () => {
  const running = runState(
    runRows(
      { ...started, status: 'processing', progress: 0 },
      { ...started, status: 'processing', progress: 40 },
      { status: 'waiting' },
      finished('completed'),
    ),
  );

  it('gives the events of the changed tasks only', () => {
    expect(news(runEvents(running, [FIRST]))).toEqual([`task.progress ${FIRST} processing`]);
    expect(runEvents(running, [])).toEqual([]);
  });

  it('puts the run first while it runs, whatever order the ids come in', () => {
    expect(news(runEvents(running, [FIRST, RUN]))).toEqual([
      `task.started ${RUN} processing`,
      `task.progress ${FIRST} processing`,
    ]);
  });

  it('puts the run last once it has ended', () => {
    const ended = runState(
      runRows(finished('failed'), finished('failed'), finished('skipped'), finished('completed')),
    );
    expect(news(runEvents(ended, [RUN, FIRST, SECOND]))).toEqual([
      `task.failed ${FIRST} failed`,
      `task.skipped ${SECOND} skipped`,
      `task.failed ${RUN} failed`,
    ]);
  });

  it('gives each event the task with its subtree, as the run is now', () => {
    const [run, first] = runEvents(running, [RUN, FIRST]);
    expect(first!.data).toEqual(buildTaskTree(FIRST, running.rows, running.files));
    expect(first!.data.next?.map((n) => [n.id, n.status])).toEqual([[SECOND, 'waiting']]);
    expect(run!.data.workflow?.map((n) => n.id)).toEqual([FIRST]);
    expect(first).toEqual({
      id: projectEventId(first!.data),
      type: 'task.progress',
      created_at: 1735689840,
      data: expect.objectContaining({ id: FIRST, progress: 40, attempts: 1 }),
    });
  });

  it("gives a run's ingest no event", () => {
    const fetching = runState(
      runRows({ status: 'waiting' }, {}, {}, { ...started, status: 'processing', progress: 30 }),
    );
    expect(runEvents(fetching, [INGEST])).toEqual([]);
    expect(news(runEvents(running, [INGEST, FIRST]))).toEqual([
      `task.progress ${FIRST} processing`,
    ]);
  });

  it('gives a step dispatched (waiting to pending) no event: its creation is old news', () => {
    const dispatched = runState(
      runRows(
        { ...started, status: 'processing', progress: 50 },
        finished('completed'),
        { status: 'pending', attempt: 1 },
        finished('completed'),
      ),
    );
    expect(news(runEvents(dispatched, [RUN, FIRST, SECOND]))).toEqual([
      `task.progress ${RUN} processing`,
      `task.completed ${FIRST} completed`,
    ]);
  });

  it('gives a step pending again for a retry its progress event', () => {
    const retried = runState(
      runRows(
        { ...started, status: 'processing', progress: 0 },
        { status: 'pending', attempt: 2, started_at: LATER, updated_at: LATER },
      ),
    );
    expect(news(runEvents(retried, [FIRST]))).toEqual([`task.progress ${FIRST} pending`]);
  });

  it('gives a task on its own its event, with itself as data', () => {
    const alone = runState([
      taskRow({ id: FIRST, run_id: FIRST, ...started, status: 'processing', progress: 0 }),
    ]);
    const events = runEvents(alone, [FIRST]);
    expect(news(events)).toEqual([`task.started ${FIRST} processing`]);
    expect(events[0]!.data).toEqual(buildTaskTree(FIRST, alone.rows, alone.files));
  });
});

describe('creationEvents', () => {
  /** The id of task `id`'s creation, as any state before its start names it. */
  const createdIds = (id: string) =>
    [
      { status: 'waiting' as const, attempts: 0 },
      { status: 'pending' as const, attempts: 1 },
    ].map((state) =>
      projectEventId({ id, progress: 0, started_at: null, updated_at: 1, ...state }),
    );

  it('gives task.created for every task made, the run first, and none for its ingest', () => {
    const made = runState(
      runRows({ status: 'waiting' }, {}, {}, { status: 'pending', attempt: 1 }),
    );
    const events = creationEvents(
      made,
      made.rows.map((row) => row.id),
    );
    expect(news(events)).toEqual([
      `task.created ${RUN} waiting`,
      `task.created ${FIRST} waiting`,
      `task.created ${SECOND} waiting`,
    ]);
    for (const event of events) {
      expect(createdIds(event.data.id)).toEqual([event.id, event.id]);
    }
  });

  it('follows with the event of where each made task already is: a run started at once', () => {
    const made = runState(
      runRows(
        { ...started, status: 'processing', progress: 0 },
        { status: 'pending', attempt: 1 },
        { status: 'waiting' },
      ).filter((row) => row.kind !== 'ingest'),
    );
    const events = creationEvents(made, [RUN, FIRST, SECOND]);
    expect(news(events)).toEqual([
      `task.created ${RUN} processing`,
      `task.created ${FIRST} pending`,
      `task.created ${SECOND} waiting`,
      `task.started ${RUN} processing`,
    ]);
    const [created, , , start] = events;
    // The creation of a run made started is the same news as that of one made waiting.
    expect(createdIds(RUN)).toEqual([created!.id, created!.id]);
    expect(start!.id).toBe(projectEventId(start!.data));
    expect(start!.id).not.toBe(created!.id);
    expect(created!.data).toEqual(start!.data);
  });

  it('gives a run that ended as it was made its final event last', () => {
    const made = runState(
      runRows(finished('failed'), finished('failed'), finished('skipped')).filter(
        (row) => row.kind !== 'ingest',
      ),
    );
    expect(news(creationEvents(made, [RUN, FIRST, SECOND]))).toEqual([
      `task.created ${RUN} failed`,
      `task.created ${FIRST} failed`,
      `task.created ${SECOND} skipped`,
      `task.failed ${FIRST} failed`,
      `task.skipped ${SECOND} skipped`,
      `task.failed ${RUN} failed`,
    ]);
  });

  it('gives only the tasks made', () => {
    const grown = runState(
      runRows({ ...started, status: 'processing', progress: 50 }, finished('completed'), {
        status: 'pending',
        attempt: 1,
      }),
    );
    expect(news(creationEvents(grown, [SECOND]))).toEqual([`task.created ${SECOND} pending`]);
  });

  it('gives a standalone ingest, its own run, its task.created', () => {
    const ingest = taskRow({
      id: INGEST,
      run_id: INGEST,
      kind: 'ingest',
      status: 'pending',
      attempt: 1,
    });
    const events = creationEvents(runState([ingest]), [INGEST]);
    expect(news(events)).toEqual([`task.created ${INGEST} pending`]);
    expect(createdIds(INGEST)).toEqual([events[0]!.id, events[0]!.id]);
    expect(events[0]!.data).toEqual(buildTaskTree(INGEST, [ingest], indexFiles([])));
  });
});
