import {
  MediaflowError,
  projectEvent,
  projectEventId,
  type TaskRecord,
  type TaskStatus,
  taskTreeNodes,
} from '@mediaflow/contracts';
import { FakeSink, pushOnly, sleep, until } from '../../test/event-stream-kit';
import { taskRecord } from '../../test/task-record';
import type { HeardChange } from '../task-changes/task-change-feed';
import { TaskEventStream, type TaskEventSource } from './task-event-stream';
import { sseEvent } from '../http/sse';
import { changedNodes } from './task-events';

const TASK = 'task_aaaaaaaaaaaaaaaa';

const task = taskRecord;

/** A run of two steps, the second after the first. */
function run(
  status: TaskStatus,
  progress: number,
  first: [TaskStatus, number],
  second: [TaskStatus, number],
): TaskRecord {
  const step = (id: string, [stepStatus, stepProgress]: [TaskStatus, number]) =>
    task(stepStatus, stepProgress, { id, parent_id: TASK });
  return task(status, progress, {
    kind: 'workflow',
    workflow: [
      { ...step('task_step1aaaaaaaaaaa', first), next: [step('task_step2aaaaaaaaaaa', second)] },
    ],
  });
}

/**
 * Answers the states given, one per read, then the last one forever (or
 * errors, when given); records what it was asked to watch, and wakes the
 * stream when the test says so, as a change notification would.
 */
interface ScriptedSource extends TaskEventSource {
  reads: number;
  watched: string[];
  unwatched: boolean;
  /** What a change notification does: with events, or without (the stream reads). */
  wake(change?: HeardChange): void;
}

function scriptedSource(script: (TaskRecord | Error)[]): ScriptedSource {
  const source: ScriptedSource = {
    reads: 0,
    watched: [],
    unwatched: false,
    wake: () => undefined,
    async read() {
      const next = script[Math.min(source.reads, script.length - 1)]!;
      source.reads++;
      if (next instanceof Error) throw next;
      return next;
    },
    present: (t: TaskRecord) => ({ ...t, presented: true }) as never,
    watch(taskIds, wake) {
      source.watched = [...taskIds];
      source.wake = (change = { statuses: {}, events: [] }) => wake(change);
      return () => void (source.unwatched = true);
    },
  };
  return source;
}

/** Streams of a test, ended after it: one still open would keep its timers. */
const opened: TaskEventStream[] = [];
function stream(...args: ConstructorParameters<typeof TaskEventStream>): TaskEventStream {
  const made = new TaskEventStream(...args);
  opened.push(made);
  return made;
}
afterEach(() => {
  for (const made of opened.splice(0)) made.end();
});

describe('TaskEventStream', () => {
  it('sends the first state at once, then each change it is told of, and ends once final', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([
      task('processing'),
      task('processing', 50),
      task('completed', 100),
    ]);
    stream(source, sink, pushOnly).start(task('pending'));
    expect(source.watched).toEqual([TASK]);
    for (let reads = 1; reads <= 3; reads++) {
      source.wake();
      await until(() => sink.events().length === reads + 1);
    }
    expect(sink.ended).toBe(true);
    expect(sink.events().map((e) => [e.event, e.data.data.status, e.data.data.progress])).toEqual([
      ['task.created', 'pending', 0],
      ['task.started', 'processing', 0],
      ['task.progress', 'processing', 50],
      ['task.completed', 'completed', 100],
    ]);
    expect(source.reads).toBe(3);
    expect(source.unwatched).toBe(true);
  });

  it('sends each event with its id, in the envelope, with the presented task', () => {
    const sink = new FakeSink();
    const state = task('processing', 0, { updated_at: 1_800_000_000 });
    stream(scriptedSource([state]), sink, pushOnly).start(state);
    const [sent] = sink.events();
    const id = projectEventId(state);
    expect(sent).toEqual({
      id,
      event: 'task.started',
      data: {
        id,
        type: 'task.started',
        created_at: 1_800_000_000,
        data: { ...state, presented: true },
      },
    });
  });

  it('sends task.progress without an id line: the log does not keep it, a resume starts before it', () => {
    const sink = new FakeSink();
    const state = task('processing', 40);
    stream(scriptedSource([state]), sink, pushOnly).start(state);
    const [sent] = sink.events();
    expect(sent).toEqual({
      event: 'task.progress',
      data: expect.objectContaining({ id: projectEventId(state), type: 'task.progress' }),
    });
  });

  it('sends the events a notification carries, without reading, and ends on the final one', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('pending')]);
    stream(source, sink, pushOnly).start(task('pending'));
    const done = task('completed', 100);
    source.wake({
      statuses: {},
      events: [
        projectEvent(task('processing', 0)),
        // Another task's event is not this stream's.
        projectEvent(task('processing', 0, { id: 'task_otheraaaaaaaaaa' })),
        projectEvent(done),
      ],
    });
    expect(sink.news()).toEqual([
      `task.created ${TASK} pending`,
      `task.started ${TASK} processing`,
      `task.completed ${TASK} completed`,
    ]);
    expect(sink.events()[2]!.data.data).toEqual({ ...done, presented: true });
    expect(source.reads).toBe(0);
    expect(sink.ended).toBe(true);
  });

  it("drops a read begun before a notification's events, and reads again", async () => {
    const sink = new FakeSink();
    let release!: () => void;
    const stale = task('processing', 0);
    const source = scriptedSource([stale, task('completed', 100)]);
    const read = source.read.bind(source);
    source.read = async () => {
      const answer = await read();
      if (source.reads === 1) await new Promise<void>((resolve) => (release = resolve));
      return answer;
    };
    stream(source, sink, pushOnly).start(task('pending'));
    source.wake();
    await until(() => release !== undefined);
    source.wake({ statuses: {}, events: [projectEvent(task('processing', 60))] });
    release();
    await until(() => sink.ended);
    expect(sink.news()).toEqual([
      `task.created ${TASK} pending`,
      `task.progress ${TASK} processing`,
      `task.completed ${TASK} completed`,
    ]);
  });

  it('replays the events since a cut first, then what else differs', () => {
    const sink = new FakeSink();
    const now = run('processing', 0, ['completed', 100], ['processing', 0]);
    const replay = [
      projectEvent(task('completed', 100, { id: 'task_step1aaaaaaaaaaa', parent_id: TASK })),
    ];
    stream(scriptedSource([now]), sink, pushOnly).start(now, replay);
    expect(sink.news()).toEqual([
      `task.completed task_step1aaaaaaaaaaa completed`,
      `task.started ${TASK} processing`,
      `task.started task_step2aaaaaaaaaaa processing`,
    ]);
  });

  it('sends nothing when a read finds nothing new', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('processing', 10, { updated_at: 2 })]);
    stream(source, sink, pushOnly).start(task('processing', 10));
    source.wake();
    await until(() => source.reads === 1);
    await sleep(10);
    expect(sink.events()).toHaveLength(1);
  });

  it('reads once more, not once each, for the notifications that come during a read', async () => {
    const sink = new FakeSink();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const source = scriptedSource([task('processing', 10)]);
    const read = source.read;
    source.read = async () => {
      const state = await read();
      if (source.reads === 1) await held;
      return state;
    };
    stream(source, sink, pushOnly).start(task('processing'));
    source.wake();
    await until(() => source.reads === 1);
    for (let i = 0; i < 5; i++) source.wake();
    release();
    await until(() => source.reads === 2);
    await sleep(20);
    expect(source.reads).toBe(2);
  });

  it("sends a run's steps as they move, the run first, or last once it has ended", async () => {
    const sink = new FakeSink();
    const source = scriptedSource([
      run('processing', 0, ['processing', 30], ['waiting', 0]),
      run('completed', 100, ['completed', 100], ['completed', 100]),
    ]);
    stream(source, sink, pushOnly).start(run('processing', 0, ['pending', 0], ['waiting', 0]));
    expect(source.watched).toEqual([TASK, 'task_step1aaaaaaaaaaa', 'task_step2aaaaaaaaaaa']);
    source.wake();
    await until(() => sink.events().length === 4);
    source.wake();
    await until(() => sink.ended);
    expect(sink.news()).toEqual([
      // The first read: everything.
      `task.started ${TASK} processing`,
      'task.created task_step1aaaaaaaaaaa pending',
      'task.created task_step2aaaaaaaaaaa waiting',
      // A step's progress.
      'task.progress task_step1aaaaaaaaaaa processing',
      // Both steps and the run, which ends the stream.
      'task.completed task_step1aaaaaaaaaaa completed',
      'task.completed task_step2aaaaaaaaaaa completed',
      `task.completed ${TASK} completed`,
    ]);
  });

  it('sends a task that is already final once, and ends without reading or watching', () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('failed')]);
    stream(source, sink, pushOnly).start(task('cancelled'));
    expect(sink.news()).toEqual([`task.cancelled ${TASK} cancelled`]);
    expect(sink.ended).toBe(true);
    expect(source.reads).toBe(0);
    expect(source.watched).toEqual([]);
  });

  it('reads again on its own after recheckMs, in case a notification was lost', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('completed', 100)]);
    stream(source, sink, { recheckMs: 5, heartbeatMs: 3_600_000 }).start(task('processing'));
    await until(() => sink.ended);
    expect(sink.news().at(-1)).toBe(`task.completed ${TASK} completed`);
  });

  it('stops reading and watching when the client goes away', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('processing', 10)]);
    stream(source, sink, { recheckMs: 5, heartbeatMs: 3_600_000 }).start(task('processing', 10));
    await until(() => source.reads > 0);
    sink.emit('close');
    expect(source.unwatched).toBe(true);
    const reads = source.reads;
    source.wake();
    await sleep(40);
    expect(source.reads).toBeLessThanOrEqual(reads + 1);
    expect(sink.events()).toHaveLength(1);
  });

  it('waits out a scheduler that is not answering, and goes on at the next notification', async () => {
    const sink = new FakeSink();
    const down = new MediaflowError('service_unavailable', 'No service is answering');
    const source = scriptedSource([down, task('completed', 100)]);
    stream(source, sink, pushOnly).start(task('processing'));
    source.wake();
    await until(() => source.reads === 1);
    expect(sink.ended).toBe(false);
    source.wake();
    await until(() => sink.ended);
    expect(sink.news()).toEqual([
      `task.started ${TASK} processing`,
      `task.completed ${TASK} completed`,
    ]);
  });

  it('sends any other error as an error event, in the envelope, and ends', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([new MediaflowError('not_found', `No task ${TASK}`)]);
    stream(source, sink, pushOnly).start(task('processing'));
    source.wake();
    await until(() => sink.ended);
    expect(sink.events().at(-1)).toEqual({
      event: 'error',
      data: { error: { code: 'not_found', message: `No task ${TASK}` } },
    });
  });

  it('sends a heartbeat comment while the task is quiet', async () => {
    const sink = new FakeSink();
    const heartbeating = stream(scriptedSource([task('processing')]), sink, {
      recheckMs: 3_600_000,
      heartbeatMs: 10,
    });
    const heartbeats = () => sink.chunks.filter((c) => c === ': heartbeat\n\n').length;
    heartbeating.start(task('processing'));
    // Waits for them rather than a fixed time: under CI's load a 10 ms interval can run late.
    for (let i = 0; i < 400 && heartbeats() < 2; i++) await sleep(5);
    heartbeating.end();
    expect(heartbeats()).toBeGreaterThanOrEqual(2);
    const written = sink.chunks.length;
    await sleep(30);
    expect(sink.chunks).toHaveLength(written);
  });

  it('tells its listeners once it is over, however it ended', () => {
    const sink = new FakeSink();
    const closing = stream(scriptedSource([task('processing')]), sink, pushOnly);
    const closed = jest.fn();
    closing.onClose(closed);
    closing.start(task('processing'));
    sink.emit('close');
    sink.emit('close');
    expect(closed).toHaveBeenCalledTimes(1);
    const late = jest.fn();
    closing.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});

describe('task event helpers', () => {
  it('writes one event per data line, whatever the text holds, with its id when it has one', () => {
    expect(sseEvent('task.progress', { message: 'two\nlines\r\n' }, 'evt_x')).toBe(
      'id: evt_x\nevent: task.progress\ndata: {"message":"two\\nlines\\r\\n"}\n\n',
    );
    expect(sseEvent('error', {})).toBe('event: error\ndata: {}\n\n');
  });

  it('lists a tree depth first, the task first', () => {
    const tree = run('processing', 0, ['pending', 0], ['waiting', 0]);
    expect(taskTreeNodes(tree).map((n) => n.id)).toEqual([
      TASK,
      'task_step1aaaaaaaaaaa',
      'task_step2aaaaaaaaaaa',
    ]);
  });

  it('finds the tasks whose state moved since the events sent', () => {
    const before = run('processing', 0, ['processing', 0], ['waiting', 0]);
    const sent = new Map(taskTreeNodes(before).map((n) => [n.id, projectEventId(n)]));
    expect(changedNodes(before, sent)).toEqual([]);
    const after = run('processing', 50, ['completed', 100], ['pending', 0]);
    // The second step made waiting and now dispatched: still its creation, no news.
    expect(changedNodes(after, sent).map((n) => n.id)).toEqual([TASK, 'task_step1aaaaaaaaaaa']);
  });
});
