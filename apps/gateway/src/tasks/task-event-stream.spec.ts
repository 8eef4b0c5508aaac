import { EventEmitter } from 'node:events';
import { MediaflowError, type TaskRecord, type TaskStatus } from '@mediaflow/contracts';
import { TaskEventStream, type EventSink, type TaskEventSource } from './task-event-stream';
import { hasChanged, sseEvent } from './task-events';

function task(status: TaskStatus, progress = 0): TaskRecord {
  return {
    id: 'task_aaaaaaaaaaaaaaaa',
    object: 'task',
    kind: 'image',
    automation_id: null,
    parent_id: null,
    ref: null,
    input: null,
    options: {},
    status,
    progress,
    output: null,
    error: null,
    attempts: 1,
    created_at: 1,
    updated_at: 1,
    started_at: null,
    finished_at: null,
    webhook_url: null,
  };
}

/** A response that records what is written, and can be closed as a leaving client would. */
class FakeSink extends EventEmitter implements EventSink {
  readonly chunks: string[] = [];
  ended = false;
  write(chunk: string) {
    this.chunks.push(chunk);
    return true;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  events(): { event: string; data: unknown }[] {
    return this.chunks
      .filter((c) => c.startsWith('event:'))
      .map((c) => {
        const [, event, data] = /^event: (.*)\ndata: (.*)\n\n$/.exec(c)!;
        return { event: event!, data: JSON.parse(data!) };
      });
  }
}

/** Answers the states given, one per read, then the last one forever (or errors, when given). */
function scriptedSource(script: (TaskRecord | Error)[]): TaskEventSource & { reads: number } {
  const source = {
    reads: 0,
    async read() {
      const next = script[Math.min(source.reads, script.length - 1)]!;
      source.reads++;
      if (next instanceof Error) throw next;
      return next;
    },
    present: (t: TaskRecord) => ({ ...t, presented: true }) as never,
  };
  return source;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fast = { pollMs: 5, heartbeatMs: 1000 };

describe('TaskEventStream', () => {
  it('sends the first state at once, then each change, and ends once final', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([
      task('pending'),
      task('processing', 0),
      task('processing', 0),
      task('processing', 50),
      task('completed', 100),
    ]);
    new TaskEventStream(source, sink, fast).start(task('pending'));
    expect(sink.events()).toHaveLength(1);
    for (let i = 0; i < 100 && !sink.ended; i++) await sleep(5);
    expect(sink.ended).toBe(true);
    expect(
      sink
        .events()
        .map(({ event, data }) => [
          event,
          (data as TaskRecord).status,
          (data as TaskRecord).progress,
        ]),
    ).toEqual([
      ['task', 'pending', 0],
      ['task', 'processing', 0],
      ['task', 'processing', 50],
      ['task', 'completed', 100],
    ]);
    // What is sent is the presented task.
    expect(sink.events()[0]!.data).toMatchObject({ presented: true });
    const reads = source.reads;
    await sleep(30);
    expect(source.reads).toBe(reads);
  });

  it('sends a task that is already final once, and ends', () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('failed')]);
    new TaskEventStream(source, sink, fast).start(task('cancelled'));
    expect(sink.events().map((e) => (e.data as TaskRecord).status)).toEqual(['cancelled']);
    expect(sink.ended).toBe(true);
    expect(source.reads).toBe(0);
  });

  it('stops polling when the client goes away', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([task('processing', 10)]);
    new TaskEventStream(source, sink, fast).start(task('processing', 10));
    await sleep(30);
    expect(source.reads).toBeGreaterThan(0);
    sink.emit('close');
    const reads = source.reads;
    await sleep(40);
    expect(source.reads).toBeLessThanOrEqual(reads + 1);
    expect(sink.events()).toHaveLength(1);
  });

  it('waits out a scheduler that is not answering, and goes on', async () => {
    const sink = new FakeSink();
    const down = new MediaflowError('service_unavailable', 'No service is answering');
    const source = scriptedSource([down, down, task('completed', 100)]);
    new TaskEventStream(source, sink, fast).start(task('processing'));
    for (let i = 0; i < 100 && !sink.ended; i++) await sleep(5);
    expect(sink.events().map((e) => [e.event, (e.data as TaskRecord).status])).toEqual([
      ['task', 'processing'],
      ['task', 'completed'],
    ]);
  });

  it('sends any other error as an error event, in the envelope, and ends', async () => {
    const sink = new FakeSink();
    const source = scriptedSource([
      new MediaflowError('not_found', 'No task task_aaaaaaaaaaaaaaaa'),
    ]);
    new TaskEventStream(source, sink, fast).start(task('processing'));
    for (let i = 0; i < 100 && !sink.ended; i++) await sleep(5);
    expect(sink.events().at(-1)).toEqual({
      event: 'error',
      data: { error: { code: 'not_found', message: 'No task task_aaaaaaaaaaaaaaaa' } },
    });
  });

  it('sends a heartbeat comment while the task is quiet', async () => {
    const sink = new FakeSink();
    const stream = new TaskEventStream(scriptedSource([task('processing')]), sink, {
      pollMs: 5,
      heartbeatMs: 10,
    });
    const heartbeats = () => sink.chunks.filter((c) => c === ': heartbeat\n\n').length;
    stream.start(task('processing'));
    // Waits for them rather than a fixed time: under CI's load a 10 ms interval can run late.
    for (let i = 0; i < 400 && heartbeats() < 2; i++) await sleep(5);
    stream.end();
    expect(heartbeats()).toBeGreaterThanOrEqual(2);
    const written = sink.chunks.length;
    await sleep(30);
    expect(sink.chunks).toHaveLength(written);
  });

  it('tells its listeners once it is over, however it ended', () => {
    const sink = new FakeSink();
    const stream = new TaskEventStream(scriptedSource([task('processing')]), sink, fast);
    const closed = jest.fn();
    stream.onClose(closed);
    stream.start(task('processing'));
    sink.emit('close');
    sink.emit('close');
    expect(closed).toHaveBeenCalledTimes(1);
    const late = jest.fn();
    stream.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});

describe('task event helpers', () => {
  it.each([
    [undefined, { status: 'pending', progress: 0 }, true],
    [{ status: 'pending', progress: 0 }, { status: 'pending', progress: 0 }, false],
    [{ status: 'pending', progress: 0 }, { status: 'processing', progress: 0 }, true],
    [{ status: 'processing', progress: 10 }, { status: 'processing', progress: 20 }, true],
  ] as const)('hasChanged(%j, %j) is %s', (previous, current, changed) => {
    expect(hasChanged(previous, current)).toBe(changed);
  });

  it('writes one event per data line, whatever the text holds', () => {
    expect(sseEvent('task', { message: 'two\nlines\r\n' })).toBe(
      'event: task\ndata: {"message":"two\\nlines\\r\\n"}\n\n',
    );
  });
});
