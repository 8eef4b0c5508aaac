import {
  MediaflowError,
  TASK_MESSAGE_VERSION,
  projectEvent,
  type ProjectEventRecord,
  type TaskChange,
  type TaskRecord,
  type TaskStatus,
} from '@mediaflow/contracts';
import { FakeSink as EventSinkRecorder, pushOnly, sleep, until } from '../../test/event-stream-kit';
import { taskRecord } from '../../test/task-record';
import type { EventLogPage } from '../task-changes/event-log';
import {
  PENDING_RETRY_MS,
  ProjectEventStream,
  logQuery,
  type ProjectEventFilter,
  type ProjectEventSource,
} from './project-event-stream';

const PROJECT = 'prj_aaaaaaaaaaaaaaaa';
const A = 'task_aaaaaaaaaaaaaaaa';
const B = 'task_bbbbbbbbbbbbbbbb';
const RUN = 'task_runaaaaaaaaaaaa';

/** Task `id` in this state. */
function task(
  id: string,
  status: TaskStatus,
  progress = 0,
  changes: Partial<TaskRecord> = {},
): TaskRecord {
  return taskRecord(status, progress, { id, ...changes });
}

/** The event whose news is task `id` in this state. */
function event(
  id: string,
  status: TaskStatus,
  progress = 0,
  changes: Partial<TaskRecord> = {},
): ProjectEventRecord {
  return projectEvent(task(id, status, progress, changes));
}

function page(
  cursor: string,
  data: ProjectEventRecord[] = [],
  more: Partial<EventLogPage> = {},
): EventLogPage {
  return { data, cursor, has_more: false, pending: false, ...more };
}

/** A change notification naming `taskIds`, with `events` when given. */
function change(taskIds: string[], events?: ProjectEventRecord[]): TaskChange {
  return {
    v: TASK_MESSAGE_VERSION,
    project_id: PROJECT,
    run_id: taskIds[0]!,
    task_ids: taskIds,
    ...(events ? { events } : {}),
    at: 1,
  };
}

/** A sink whose news says each task's progress too. */
class FakeSink extends EventSinkRecorder {
  /** What each event said: its type, then its task's id, status and progress. */
  override news(): string[] {
    return this.events().map(
      (e) => `${e.event} ${e.data.data?.id} ${e.data.data?.status} ${e.data.data?.progress}`,
    );
  }
}

/**
 * The event log: answers the pages given, one per read (or rejects, for an
 * error), then an empty page at the cursor asked; records the cursors it was
 * read from, the tasks read, and whether the stream still follows it.
 */
interface ScriptedSource extends ProjectEventSource {
  /** The cursor of each read, in order. */
  cursors: string[];
  /** When each read began (Date.now()). */
  readAt: number[];
  taskReads: string[];
  following: boolean;
  /** The stream's listener, as the change feed holds it. */
  listener?: (change: TaskChange) => void;
  /** What the change feed does with a notification. */
  hear(change: TaskChange): void;
}

function scriptedSource(
  script: (EventLogPage | Error)[] = [],
  tasks: Record<string, TaskRecord | Error> = {},
): ScriptedSource {
  const source: ScriptedSource = {
    cursors: [],
    readAt: [],
    taskReads: [],
    following: false,
    async read(cursor) {
      const next = script[source.cursors.length];
      source.cursors.push(cursor);
      source.readAt.push(Date.now());
      if (next instanceof Error) throw next;
      return next ?? page(cursor);
    },
    async readTask(id) {
      source.taskReads.push(id);
      const found = tasks[id] ?? new MediaflowError('not_found', `No task ${id}`);
      if (found instanceof Error) throw found;
      return found;
    },
    present: (t: TaskRecord) => ({ ...t, presented: true }) as never,
    presentOther: (e) => ({ ...e.data, presented: true }),
    follow(listener) {
      source.listener = listener;
      source.following = true;
      return () => void (source.following = false);
    },
    hear(heard) {
      source.listener!(heard);
    },
  };
  return source;
}

/** Makes the `n`th read (1-based) wait until `release` is called. */
function holdRead(source: ScriptedSource, n: number): { release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const read = source.read;
  source.read = async (cursor) => {
    const answer = read(cursor);
    if (source.cursors.length === n) await held;
    return answer;
  };
  return { release: () => release() };
}

/** Streams of a test, ended after it: one still open would keep its timers. */
const opened: ProjectEventStream[] = [];
function stream(
  source: ProjectEventSource,
  sink: EventSinkRecorder,
  filter: ProjectEventFilter = {},
  timing = pushOnly,
): ProjectEventStream {
  const made = new ProjectEventStream(source, sink, timing, filter);
  opened.push(made);
  return made;
}
afterEach(() => {
  for (const made of opened.splice(0)) made.end();
});

describe('ProjectEventStream', () => {
  describe('start', () => {
    it("writes the open line first, then the first page's events with their ids, and reads no more", async () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      const started = event(A, 'processing');
      const completed = event(B, 'completed', 100);
      stream(source, sink).start(page('1:2', [started, completed]));
      expect(sink.chunks[0]).toBe(': open\n\n');
      expect(sink.events().map((e) => [e.id, e.event])).toEqual([
        [started.id, 'task.started'],
        [completed.id, 'task.completed'],
      ]);
      await sleep(20);
      expect(source.cursors).toEqual([]);
      expect(source.following).toBe(true);
    });

    it('writes the open line even when the first page is empty', () => {
      const sink = new FakeSink();
      stream(scriptedSource(), sink).start(page('1:0'));
      expect(sink.chunks).toEqual([': open\n\n']);
    });

    it.each([
      ['has more', { has_more: true }],
      ['left events pending', { pending: true }],
    ])(
      "reads again at once from the first page's cursor when it %s",
      async (_what, more: Partial<EventLogPage>) => {
        const sink = new FakeSink();
        const source = scriptedSource([page('1:9', [event(B, 'completed', 100)])]);
        stream(source, sink).start(page('1:5', [event(A, 'processing')], more));
        await until(() => sink.events().length === 2);
        expect(source.cursors[0]).toBe('1:5');
        expect(sink.news()).toEqual([
          `task.started ${A} processing 0`,
          `task.completed ${B} completed 100`,
        ]);
      },
    );
  });

  describe('kept events', () => {
    it('reads the log after its cursor on a notification with a kept event, and sends what comes in order', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([
        page('1:4', [event(RUN, 'processing'), event(A, 'completed', 100)]),
        page('1:6', [event(RUN, 'completed', 100)]),
      ]);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A], [event(A, 'completed', 100)]));
      await until(() => sink.events().length === 2);
      source.hear(change([RUN], [event(RUN, 'completed', 100)]));
      await until(() => sink.events().length === 3);
      expect(source.cursors).toEqual(['1:1', '1:4']);
      expect(sink.news()).toEqual([
        `task.started ${RUN} processing 0`,
        `task.completed ${A} completed 100`,
        `task.completed ${RUN} completed 100`,
      ]);
      expect(sink.events().every((e) => e.id !== undefined)).toBe(true);
    });

    it('sends the kept events from the log, not from the notification', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([page('1:2')]);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A], [event(A, 'completed', 100)]));
      await until(() => source.cursors.length === 1);
      await sleep(10);
      expect(sink.events()).toEqual([]);
    });

    it('reads the log on a notification that carries no events', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([page('1:2', [event(A, 'failed')])]);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A]));
      await until(() => sink.events().length === 1);
      expect(source.cursors).toEqual(['1:1']);
      expect(sink.news()).toEqual([`task.failed ${A} failed 0`]);
    });

    it('reads page after page while the log has more', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([
        page('1:2', [event(A, 'processing')], { has_more: true }),
        page('1:3', [event(A, 'completed', 100)]),
      ]);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A]));
      await until(() => sink.events().length === 2);
      await sleep(10);
      expect(source.cursors).toEqual(['1:1', '1:2']);
    });

    it('reads once more, not once each, for the notifications heard during a read', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([page('1:2'), page('1:3', [event(A, 'completed', 100)])]);
      const { release } = holdRead(source, 1);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A]));
      await until(() => source.cursors.length === 1);
      for (let i = 0; i < 5; i++) source.hear(change([A], [event(A, 'completed', 100)]));
      release();
      await until(() => source.cursors.length === 2);
      await sleep(20);
      expect(source.cursors).toEqual(['1:1', '1:2']);
      expect(sink.news()).toEqual([`task.completed ${A} completed 100`]);
    });

    it('reads again shortly after a page that left events pending, with no notification', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([
        page('1:2', [event(A, 'processing')], { pending: true }),
        page('1:4', [event(B, 'processing')]),
      ]);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A]));
      await until(() => sink.events().length === 2);
      expect(source.cursors).toEqual(['1:1', '1:2']);
      // Not at once: a transaction still running needs a moment.
      expect(source.readAt[1]! - source.readAt[0]!).toBeGreaterThanOrEqual(PENDING_RETRY_MS - 2);
      await sleep(PENDING_RETRY_MS * 3);
      expect(source.cursors).toHaveLength(2);
    });
  });

  describe('progress', () => {
    it('sends a task.progress a notification carries at once, without an id line and without reading the log', async () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      stream(source, sink).start(page('1:1'));
      const progress = event(A, 'processing', 40);
      source.hear(change([A], [progress]));
      expect(sink.events()).toEqual([
        {
          event: 'task.progress',
          data: expect.objectContaining({ id: progress.id, type: 'task.progress' }),
        },
      ]);
      await sleep(20);
      expect(source.cursors).toEqual([]);
      expect(source.taskReads).toEqual([]);
    });

    it('sends the same progress event once, and the next progress again', () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      stream(source, sink).start(page('1:1'));
      source.hear(change([A], [event(A, 'processing', 40)]));
      source.hear(change([A], [event(A, 'processing', 40)]));
      source.hear(change([A], [event(A, 'processing', 60)]));
      expect(sink.news()).toEqual([
        `task.progress ${A} processing 40`,
        `task.progress ${A} processing 60`,
      ]);
    });

    it('sends no progress of a task whose final event it has sent', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([page('1:3', [event(B, 'completed', 100)])]);
      stream(source, sink).start(page('1:2', [event(A, 'failed')]));
      source.hear(change([B], [event(B, 'completed', 100)]));
      await until(() => sink.events().length === 2);
      // Late news, heard after the end: each task's, and another task's that has not ended.
      source.hear(change([A], [event(A, 'processing', 50)]));
      source.hear(change([B], [event(B, 'processing', 90)]));
      source.hear(change([RUN], [event(RUN, 'processing', 50)]));
      expect(sink.news()).toEqual([
        `task.failed ${A} failed 0`,
        `task.completed ${B} completed 100`,
        `task.progress ${RUN} processing 50`,
      ]);
    });

    it("sends no progress of a task outside the filter's tasks", () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      stream(source, sink, { taskIds: new Set([A]) }).start(page('1:1'));
      source.hear(change([B, A], [event(B, 'processing', 30), event(A, 'processing', 40)]));
      expect(sink.news()).toEqual([`task.progress ${A} processing 40`]);
    });

    it("sends no progress of a task of another automation than the filter's", () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      stream(source, sink, { automationId: 'auto_1' }).start(page('1:1'));
      source.hear(
        change(
          [A, B, RUN],
          [
            event(A, 'processing', 10, { automation_id: 'auto_1' }),
            event(B, 'processing', 20, { automation_id: 'auto_2' }),
            event(RUN, 'processing', 30, { automation_id: null }),
          ],
        ),
      );
      expect(sink.news()).toEqual([`task.progress ${A} processing 10`]);
    });

    it("sends no progress of a run's ingest, but a standalone ingest's", () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      stream(source, sink).start(page('1:1'));
      source.hear(
        change(
          [A, B],
          [
            event(A, 'processing', 30, { kind: 'ingest', parent_id: RUN }),
            event(B, 'processing', 40, { kind: 'ingest', parent_id: null }),
          ],
        ),
      );
      expect(sink.news()).toEqual([`task.progress ${B} processing 40`]);
    });

    it('reads each task a notification without events names, and sends its progress', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([], {
        [A]: task(A, 'processing', 40),
        [B]: task(B, 'pending', 0, { attempts: 2 }),
      });
      stream(source, sink).start(page('1:1'));
      source.hear(change([A, B]));
      await until(() => sink.events().length === 2);
      expect(source.taskReads).toEqual([A, B]);
      expect(sink.events().map((e) => [e.id, e.event])).toEqual([
        [undefined, 'task.progress'],
        [undefined, 'task.progress'],
      ]);
      expect(sink.news()).toEqual([
        `task.progress ${A} processing 40`,
        `task.progress ${B} pending 0`,
      ]);
    });

    it('sends nothing for a task read whose state is not a progress', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([], {
        [A]: task(A, 'completed', 100),
        [B]: task(B, 'processing', 0),
      });
      stream(source, sink).start(page('1:1'));
      source.hear(change([A, B]));
      await until(() => source.taskReads.length === 2 && source.cursors.length === 1);
      await sleep(10);
      expect(sink.events()).toEqual([]);
    });

    it('ignores a task read that fails, and reads the next', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([], {
        [A]: new Error('connection reset'),
        [B]: task(B, 'processing', 40),
      });
      stream(source, sink).start(page('1:1'));
      source.hear(change([A, B]));
      await until(() => sink.events().length === 1);
      expect(source.taskReads).toEqual([A, B]);
      expect(sink.news()).toEqual([`task.progress ${B} processing 40`]);
      expect(sink.ended).toBe(false);
    });

    it("does not read a task outside the filter's tasks, nor send an automation's progress it excludes", async () => {
      const sink = new FakeSink();
      const source = scriptedSource([], {
        [A]: task(A, 'processing', 40, { automation_id: 'auto_2' }),
        [B]: task(B, 'processing', 40),
      });
      stream(source, sink, { taskIds: new Set([A]), automationId: 'auto_1' }).start(page('1:1'));
      source.hear(change([A, B]));
      await until(() => source.taskReads.length === 1 && source.cursors.length === 1);
      await sleep(10);
      expect(source.taskReads).toEqual([A]);
      expect(sink.events()).toEqual([]);
    });

    it('sends a progress it read once, though a notification carried it too', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([], { [A]: task(A, 'processing', 40) });
      stream(source, sink).start(page('1:1'));
      source.hear(change([A], [event(A, 'processing', 40)]));
      source.hear(change([A]));
      await until(() => source.taskReads.length === 1);
      await sleep(10);
      expect(sink.news()).toEqual([`task.progress ${A} processing 40`]);
    });
  });

  it("sends the presented task as each event's data, in the event's envelope", async () => {
    const sink = new FakeSink();
    const source = scriptedSource();
    const kept = projectEvent(task(A, 'completed', 100, { updated_at: 1_800_000_000 }));
    const progress = projectEvent(task(B, 'processing', 40, { updated_at: 1_800_000_001 }));
    stream(source, sink).start(page('1:1', [kept]));
    source.hear(change([B], [progress]));
    expect(sink.events()).toEqual([
      {
        id: kept.id,
        event: 'task.completed',
        data: {
          id: kept.id,
          type: 'task.completed',
          created_at: 1_800_000_000,
          data: { ...kept.data, presented: true },
        },
      },
      {
        event: 'task.progress',
        data: {
          id: progress.id,
          type: 'task.progress',
          created_at: 1_800_000_001,
          data: { ...progress.data, presented: true },
        },
      },
    ]);
  });

  it("sends a file's and an automation's kept events with their ids, their data presented, in the log's order", async () => {
    const sink = new FakeSink();
    const source = scriptedSource();
    const file = {
      id: 'evt_ffffffffffffffff',
      type: 'file.created',
      created_at: 1_800_000_000,
      data: { id: 'file_aaaaaaaaaaaaaaaa' },
    } as unknown as ProjectEventRecord;
    const automation = {
      id: 'evt_aaaaaaaaaaaaaaaa',
      type: 'automation.deleted',
      created_at: 1_800_000_001,
      data: { id: 'auto_aaaaaaaaaaaaaaaa' },
    } as unknown as ProjectEventRecord;
    const started = event(A, 'processing');
    stream(source, sink).start(page('1:3', [file, started, automation]));
    expect(sink.events()).toEqual([
      {
        id: file.id,
        event: 'file.created',
        data: { ...file, data: { id: 'file_aaaaaaaaaaaaaaaa', presented: true } },
      },
      { id: started.id, event: 'task.started', data: expect.objectContaining({ id: started.id }) },
      {
        id: automation.id,
        event: 'automation.deleted',
        data: { ...automation, data: { id: 'auto_aaaaaaaaaaaaaaaa', presented: true } },
      },
    ]);
  });

  describe('errors', () => {
    it('waits out a log that is not answering, and reads again from the same cursor at the next notification', async () => {
      const sink = new FakeSink();
      const down = new MediaflowError('service_unavailable', 'No service is answering');
      const source = scriptedSource([down, page('1:3', [event(A, 'completed', 100)])]);
      const closed = jest.fn();
      const started = stream(source, sink);
      started.onClose(closed);
      started.start(page('1:1'));
      source.hear(change([A]));
      await until(() => source.cursors.length === 1);
      await sleep(10);
      expect(sink.ended).toBe(false);
      expect(closed).not.toHaveBeenCalled();
      expect(sink.events()).toEqual([]);
      source.hear(change([A]));
      await until(() => sink.events().length === 1);
      expect(source.cursors).toEqual(['1:1', '1:1']);
      expect(sink.news()).toEqual([`task.completed ${A} completed 100`]);
    });

    it.each([
      [
        'a service error',
        new MediaflowError('event_expired', 'That event is no longer kept'),
        { code: 'event_expired', message: 'That event is no longer kept' },
      ],
      [
        'an unexpected error',
        new Error('SELECT failed: relation "events" does not exist'),
        { code: 'internal', message: 'Internal error' },
      ],
    ])('sends %s as an error event in the envelope, and ends', async (_what, error, body) => {
      const sink = new FakeSink();
      const source = scriptedSource([error]);
      const closed = jest.fn();
      const failing = stream(source, sink);
      failing.onClose(closed);
      failing.start(page('1:1'));
      source.hear(change([A]));
      await until(() => sink.ended);
      expect(sink.events()).toEqual([{ event: 'error', data: { error: body } }]);
      expect(closed).toHaveBeenCalledTimes(1);
      expect(source.following).toBe(false);
      source.hear(change([A]));
      await sleep(10);
      expect(source.cursors).toHaveLength(1);
    });
  });

  describe('closing', () => {
    it('stops on end(): no reads on notifications, no longer following, its listeners told once', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([], { [A]: task(A, 'processing', 40) });
      const ending = stream(source, sink);
      const closed = jest.fn();
      ending.onClose(closed);
      ending.start(page('1:1'));
      expect(source.following).toBe(true);
      ending.end();
      ending.end();
      expect(sink.ended).toBe(true);
      expect(source.following).toBe(false);
      expect(closed).toHaveBeenCalledTimes(1);
      // A notification already on its way when the stream ended.
      source.hear(change([A]));
      source.hear(change([A], [event(A, 'processing', 50), event(A, 'completed', 100)]));
      await sleep(20);
      expect(source.cursors).toEqual([]);
      expect(source.taskReads).toEqual([]);
      expect(sink.events()).toEqual([]);
    });

    it('stops when the client goes away, and does not end the response itself', async () => {
      const sink = new FakeSink();
      const source = scriptedSource();
      const leaving = stream(source, sink);
      const closed = jest.fn();
      leaving.onClose(closed);
      leaving.start(page('1:1'));
      sink.emit('close');
      sink.emit('close');
      expect(source.following).toBe(false);
      expect(closed).toHaveBeenCalledTimes(1);
      expect(sink.ended).toBe(false);
      source.hear(change([A]));
      await sleep(20);
      expect(source.cursors).toEqual([]);
    });

    it('tells a listener added once it is over at once', () => {
      const sink = new FakeSink();
      const over = stream(scriptedSource(), sink);
      over.start(page('1:1'));
      over.end();
      const late = jest.fn();
      over.onClose(late);
      expect(late).toHaveBeenCalledTimes(1);
    });

    it('sends nothing of a read that was under way when the client went away', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([
        page('1:2', [event(A, 'completed', 100)], { has_more: true }),
      ]);
      const { release } = holdRead(source, 1);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A]));
      await until(() => source.cursors.length === 1);
      sink.emit('close');
      release();
      await sleep(20);
      expect(sink.events()).toEqual([]);
      expect(source.cursors).toEqual(['1:1']);
    });

    it('does not read again for a pending page once the client has gone', async () => {
      const sink = new FakeSink();
      const source = scriptedSource([page('1:2', [], { pending: true })]);
      stream(source, sink).start(page('1:1'));
      source.hear(change([A]));
      await until(() => source.cursors.length === 1);
      await sleep(0);
      sink.emit('close');
      await sleep(PENDING_RETRY_MS * 4);
      expect(source.cursors).toEqual(['1:1']);
    });

    it('sends a heartbeat comment while quiet, and none once ended', async () => {
      const sink = new FakeSink();
      const quiet = stream(scriptedSource(), sink, {}, { recheckMs: 3_600_000, heartbeatMs: 10 });
      const heartbeats = () => sink.chunks.filter((c) => c === ': heartbeat\n\n').length;
      quiet.start(page('1:1'));
      for (let i = 0; i < 400 && heartbeats() < 2; i++) await sleep(5);
      quiet.end();
      expect(heartbeats()).toBeGreaterThanOrEqual(2);
      const written = sink.chunks.length;
      await sleep(30);
      expect(sink.chunks).toHaveLength(written);
    });
  });
});

describe('logQuery', () => {
  it('reads the whole project after the cursor when nothing is filtered', () => {
    expect(logQuery({}, '3:7')).toEqual({ after_cursor: '3:7' });
  });

  it("reads only the filter's tasks", () => {
    expect(logQuery({ taskIds: new Set([RUN, A]) }, '3:7')).toEqual({
      after_cursor: '3:7',
      task_ids: [RUN, A],
    });
  });

  it("reads only the filter's automation, and its tasks of it when both are given", () => {
    expect(logQuery({ automationId: 'auto_1' }, '3:7')).toEqual({
      after_cursor: '3:7',
      automation_id: 'auto_1',
    });
    expect(logQuery({ taskIds: new Set([A]), automationId: 'auto_1' }, '')).toEqual({
      after_cursor: '',
      task_ids: [A],
      automation_id: 'auto_1',
    });
  });
});
