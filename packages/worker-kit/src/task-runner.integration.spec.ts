import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MediaflowError,
  newId,
  type MediaProperties,
  type StoredFile,
  type TaskDispatch,
  type TaskEvent,
  type TaskKind,
} from '@mediaflow/contracts';
import { JetStreamTaskTransport, type Stoppable } from '@mediaflow/messaging';
import { LocalStorage } from '@mediaflow/storage';
import { connect, type NatsConnection } from 'nats';
import type { TaskContext, TaskHandler } from './task-handler';
import {
  TaskRunner,
  type RunnerLogger,
  type TaskHandlers,
  type TaskOutcome,
  type TaskRunnerOptions,
} from './task-runner';

// The runner on the real JetStream transport and a real LocalStorage; only the handlers are fakes.
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ACK_WAIT_MS = 2_000;
const filePrefix = `t${randomBytes(4).toString('hex')}`;
let testNumber = 0;

const TEXT: MediaProperties = {
  kind: 'data',
  mimetype: 'text/plain',
  format: 'txt',
  width: null,
  height: null,
  duration: null,
  fps: null,
  filesize: 0,
  has_audio: false,
  has_video: false,
  language: null,
};

let admin: NatsConnection;
let root: string;
let prefix: string;
let storage: LocalStorage;
let scratchDir: string;
let worker: JetStreamTaskTransport;
let scheduler: JetStreamTaskTransport;
let events: TaskEvent[];
let outcomes: TaskOutcome[];
let logged: Array<{ level: string; message: string; stack?: string }>;
const stoppables: Stoppable[] = [];

const logger: RunnerLogger = {
  log: (message) => logged.push({ level: 'log', message }),
  warn: (message) => logged.push({ level: 'warn', message }),
  error: (message, stack) => logged.push({ level: 'error', message, stack }),
};

beforeAll(async () => {
  admin = await connect({ servers: url });
  root = mkdtempSync(path.join(tmpdir(), 'worker-kit-runner-'));
});

beforeEach(async () => {
  prefix = `${filePrefix}n${++testNumber}`;
  storage = new LocalStorage(path.join(root, prefix, 'files'));
  scratchDir = path.join(root, prefix, 'scratch');
  await mkdir(scratchDir, { recursive: true });
  worker = await JetStreamTaskTransport.connect({
    url,
    name: 'worker',
    subjectPrefix: prefix,
    ackWaitMs: ACK_WAIT_MS,
  });
  scheduler = await JetStreamTaskTransport.connect({
    url,
    name: 'scheduler',
    subjectPrefix: prefix,
    ackWaitMs: ACK_WAIT_MS,
  });
  await scheduler.setup();
  events = [];
  outcomes = [];
  logged = [];
  stoppables.push(await scheduler.followEvents((e) => events.push(e)));
});

afterEach(async () => {
  await Promise.all(stoppables.splice(0).map((s) => s.stop()));
  await worker.close();
  await scheduler.close();
});

afterAll(async () => {
  const jsm = await admin.jetstreamManager();
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(`${filePrefix}n`))
      await jsm.streams.delete(stream.config.name);
  }
  await admin.close();
  rmSync(root, { recursive: true, force: true });
});

/** A runner taking work of its handlers' kinds, as startWorker wires it. */
async function startRunner(handlers: TaskHandlers, options: Partial<TaskRunnerOptions> = {}) {
  const runner = new TaskRunner({
    transport: worker,
    storage,
    handlers,
    ackWaitMs: ACK_WAIT_MS,
    timeoutMs: 60_000,
    scratchDir,
    logger,
    onOutcome: (o) => outcomes.push(o),
    ...options,
  });
  await runner.start();
  const consumer = await worker.consumeWork(
    Object.fromEntries(Object.keys(handlers).map((kind) => [kind, 2])),
    runner.run,
  );
  stoppables.push({ stop: async () => (await consumer.stop(), await runner.stop()) });
  return { runner, consumer };
}

async function storedInput(content: string, projectId: string): Promise<StoredFile> {
  const key = `projects/${projectId}/files/${newId('file')}/input.txt`;
  const source = path.join(root, `${prefix}-input.txt`);
  await writeFile(source, content);
  const { size } = await storage.putFile(key, source);
  return {
    ...TEXT,
    filesize: size,
    id: newId('file'),
    project_id: projectId,
    filename: 'input.txt',
    ref: null,
    task_id: null,
    storage_key: key,
    created_at: 1_700_000_000,
  };
}

function dispatch(
  kind: TaskKind,
  input: StoredFile | null,
  overrides: Partial<TaskDispatch> = {},
): TaskDispatch {
  return {
    v: 1,
    task_id: newId('task'),
    attempt: 1,
    project_id: input?.project_id ?? newId('prj'),
    kind,
    options: {},
    input,
    source_url: null,
    ref: null,
    ...overrides,
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const eventsOf = (taskId: string) => events.filter((e) => e.task_id === taskId);
const finalOf = (taskId: string) =>
  eventsOf(taskId).find((e) => e.type === 'completed' || e.type === 'failed');
const waitForFinal = async (taskId: string, timeoutMs?: number) => {
  await waitFor(() => finalOf(taskId) !== undefined, timeoutMs);
  return finalOf(taskId)!;
};

async function queuedWork(): Promise<number> {
  const jsm = await admin.jetstreamManager();
  return (await jsm.streams.info(`${prefix}_TASKS`)).state.messages;
}

/** Acks travel after the final event: give the server a moment, then nothing is left in the queue. */
async function expectAcked(): Promise<void> {
  await sleep(300);
  expect(await queuedWork()).toBe(0);
}

describe('TaskRunner', () => {
  it('runs the handler on the input, stores its files and reports them, then acks', async () => {
    const seen: Array<{ input: string; workDir: string }> = [];
    await startRunner({
      summary: async ({ inputPath, workDir }) => {
        seen.push({ input: await readFile(inputPath!, 'utf8'), workDir });
        await writeFile(path.join(workDir, 'out.txt'), 'made from the input');
        await writeFile(path.join(workDir, 'sprite.txt'), 'a linked file');
        return {
          file: { path: path.join(workDir, 'out.txt'), filename: 'out.txt', properties: TEXT },
          linkedFiles: [
            { path: path.join(workDir, 'sprite.txt'), filename: 'sprite.txt', properties: TEXT },
          ],
          data: { words: 4 },
        };
      },
    });
    const input = await storedInput('the input', newId('prj'));
    const task = dispatch('summary', input);
    await scheduler.dispatch(task);

    const final = await waitForFinal(task.task_id);
    expect(eventsOf(task.task_id).map((e) => e.type)).toEqual(['started', 'completed']);
    expect(seen).toEqual([{ input: 'the input', workDir: expect.stringContaining(scratchDir) }]);
    if (final.type !== 'completed')
      throw new Error(`expected completed, got ${JSON.stringify(final)}`);
    const { file, linked_files, data } = final.result;
    expect(file).toEqual({
      ...TEXT,
      filesize: 19,
      id: expect.stringMatching(/^file_[a-z0-9]{16}$/),
      filename: 'out.txt',
      storage_key: `projects/${task.project_id}/tasks/${task.task_id}/1/out.txt`,
    });
    expect(await storage.stat(file!.storage_key)).toEqual({ size: 19 });
    expect(linked_files).toEqual([
      expect.objectContaining({
        filename: 'sprite.txt',
        storage_key: expect.stringMatching(/\/1\/sprite\.txt$/),
      }),
    ]);
    expect(await storage.stat(linked_files![0]!.storage_key)).toEqual({ size: 13 });
    expect(linked_files![0]!.id).not.toBe(file!.id);
    expect(data).toEqual({ words: 4 });
    expect(outcomes).toEqual([
      { kind: 'summary', outcome: 'completed', seconds: expect.any(Number) },
    ]);
    expect(await readdir(scratchDir)).toEqual([]);
    await expectAcked();
  });

  it('starts the work without waiting for `started` to be stored, and reports the end after it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handlerRan = false;
    await startRunner(
      { summary: async () => ((handlerRan = true), { data: { words: 1 } }) },
      {
        transport: {
          publishEvent: async (event) => {
            if (event.type === 'started') await held;
            return worker.publishEvent(event);
          },
          onCancel: (handler) => worker.onCancel(handler),
        },
      },
    );
    const task = dispatch('summary', null);
    await scheduler.dispatch(task);
    await waitFor(() => handlerRan);
    await sleep(200);
    expect(eventsOf(task.task_id)).toEqual([]);
    release();
    await waitForFinal(task.task_id);
    expect(eventsOf(task.task_id).map((e) => e.type)).toEqual(['started', 'completed']);
    await expectAcked();
  });

  it('reports nothing and acks nothing when `started` cannot be published: the work is delivered again', async () => {
    let fail = true;
    let runs = 0;
    await startRunner(
      { summary: async () => (runs++, { data: { words: 1 } }) },
      {
        transport: {
          publishEvent: async (event) => {
            if (event.type === 'started' && fail) {
              fail = false;
              throw new Error('the broker is away');
            }
            return worker.publishEvent(event);
          },
          onCancel: (handler) => worker.onCancel(handler),
        },
      },
    );
    const task = dispatch('summary', null);
    await scheduler.dispatch(task);
    // Redelivered after the ack wait, and then done once.
    await waitForFinal(task.task_id, ACK_WAIT_MS * 5);
    expect(runs).toBe(2);
    expect(eventsOf(task.task_id).map((e) => e.type)).toEqual(['started', 'completed']);
  });

  it('reports a MediaflowError with its code, as final when it is the input’s fault', async () => {
    await startRunner({
      image: async () => {
        throw new MediaflowError('input_unreadable', 'The input is not an image sharp can read');
      },
    });
    const task = dispatch('image', await storedInput('not an image', newId('prj')));
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'input_unreadable', message: 'The input is not an image sharp can read' },
      retryable: false,
    });
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed']);
    await expectAcked();
  });

  it('reports provider_unavailable as worth another attempt', async () => {
    await startRunner({
      speech: async () => {
        throw new MediaflowError('provider_unavailable', 'The speech provider did not answer');
      },
    });
    const task = dispatch('speech', await storedInput('audio', newId('prj')));
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'provider_unavailable' },
      retryable: true,
    });
  });

  it('reports any other error as a retryable internal error, logging the stack but never leaking it', async () => {
    await startRunner({
      image: async ({ workDir }) => {
        await writeFile(path.join(workDir, 'half-done.jpg'), 'partial');
        throw new Error('ECONNREFUSED postgres://admin:hunter2@db');
      },
    });
    const task = dispatch('image', await storedInput('x', newId('prj')));
    await scheduler.dispatch(task);
    const final = await waitForFinal(task.task_id);
    expect(final).toMatchObject({ type: 'failed', error: { code: 'internal' }, retryable: true });
    expect(JSON.stringify(final)).not.toContain('hunter2');
    const error = logged.find((l) => l.level === 'error');
    expect(error?.message).toContain(task.task_id);
    expect(error?.stack).toContain('hunter2');
    expect(await readdir(scratchDir)).toEqual([]);
    await expectAcked();
  });

  it('publishes progress at most once a second, and only when it goes up', async () => {
    await startRunner({
      video: async ({ progress }) => {
        // ffmpeg-like: a report every 50 ms for 2.5 s, with one step back.
        for (let i = 0; i <= 50; i++) {
          progress(i === 30 ? 1 : i * 2);
          await sleep(50);
        }
        return { data: {} };
      },
    });
    const task = dispatch('video', null);
    await scheduler.dispatch(task);
    await waitForFinal(task.task_id);
    const progress = eventsOf(task.task_id).filter((e) => e.type === 'progress') as Array<
      Extract<TaskEvent, { type: 'progress' }>
    >;
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress[0]!.progress).toBe(0);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
      expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
    }
    expect(eventsOf(task.task_id).at(-1)!.type).toBe('completed');
  });

  it('aborts the handler when its task is cancelled, reports it cancelled and removes the work directory', async () => {
    let reason: unknown;
    let workDir = '';
    await startRunner({
      video: ({ signal, workDir: dir }) =>
        new Promise((_, reject) => {
          workDir = dir;
          void writeFile(path.join(dir, 'partial.mp4'), 'frames');
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(new Error('ffmpeg was killed with SIGKILL'));
          });
        }),
    });
    const task = dispatch('video', await storedInput('a video', newId('prj')));
    await scheduler.dispatch(task);
    await waitFor(() => eventsOf(task.task_id).some((e) => e.type === 'started') && workDir !== '');
    await scheduler.cancel({ v: 1, task_id: task.task_id });

    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'cancelled' },
      retryable: false,
    });
    expect(reason).toMatchObject({ code: 'cancelled' });
    expect(await readdir(scratchDir)).toEqual([]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['cancelled']);
    await expectAcked();
  });

  it('does not start a task cancelled before it was picked up', async () => {
    const handler = jest.fn<ReturnType<TaskHandler>, [TaskContext]>(async () => ({ data: {} }));
    await startRunner({ image: handler });
    const task = dispatch('image', null);
    await scheduler.cancel({ v: 1, task_id: task.task_id });
    await sleep(100);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'cancelled' },
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('runs a later attempt of a task whose earlier attempt was cancelled (a retry)', async () => {
    const handler = jest.fn<ReturnType<TaskHandler>, [TaskContext]>(async () => ({ data: {} }));
    await startRunner({ image: handler });
    const task = dispatch('image', null);
    await scheduler.cancel({ v: 1, task_id: task.task_id, attempt: 1 });
    await sleep(100);
    await scheduler.dispatch({ ...task, attempt: 2 });
    await waitFor(() => eventsOf(task.task_id).some((e) => e.type === 'completed'));
    expect(handler).toHaveBeenCalledTimes(1);
    // The cancelled attempt itself, if it comes after all, does not start.
    await scheduler.dispatch(task);
    await waitFor(() => eventsOf(task.task_id).some((e) => e.type === 'failed'));
    expect(eventsOf(task.task_id).find((e) => e.type === 'failed')).toMatchObject({
      attempt: 1,
      error: { code: 'cancelled' },
    });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('aborts a handler that runs past the task timeout, as a retryable timeout', async () => {
    await startRunner(
      {
        audio: ({ signal }) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error('killed'))),
          ),
      },
      { timeoutMs: 300 },
    );
    const task = dispatch('audio', null);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'timeout', message: 'The task ran longer than 0.3 s' },
      retryable: true,
    });
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it("aborts a handler at its dispatch's time limit, long before the worker's own, as a final timeout", async () => {
    let abortedAt = 0;
    await startRunner(
      {
        video: ({ signal }) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              abortedAt = Date.now();
              reject(new Error('ffmpeg was killed with SIGKILL'));
            }),
          ),
      },
      { timeoutMs: 60_000 },
    );
    const task = dispatch('video', await storedInput('a long video', newId('prj')), {
      timeout_ms: 400,
    });
    const sent = Date.now();
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: {
        code: 'timeout',
        message:
          "The task ran longer than its time limit of 0.4 s, set from its input's duration (docs/task-kinds.md); another attempt would take as long",
      },
      retryable: false,
    });
    expect(abortedAt - sent).toBeGreaterThanOrEqual(400);
    expect(abortedAt - sent).toBeLessThan(10_000);
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed']);
    expect(await readdir(scratchDir)).toEqual([]);
    await expectAcked();
  });

  it('moves on from a handler that ignores its abort, after the grace period', async () => {
    await startRunner(
      { audio: () => new Promise(() => undefined) },
      { timeoutMs: 200, abortGraceMs: 200 },
    );
    const task = dispatch('audio', null);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'timeout' },
    });
    expect(await readdir(scratchDir)).toEqual([]);
  });

  it('fails as input_unreadable when the input is gone from storage', async () => {
    const handler = jest.fn<ReturnType<TaskHandler>, [TaskContext]>(async () => ({ data: {} }));
    await startRunner({ image: handler });
    const input = await storedInput('x', newId('prj'));
    await storage.delete(input.storage_key);
    const task = dispatch('image', input);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'input_unreadable' },
      retryable: false,
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('gives an ingest of an upload the staged bytes as its input, and fails input_unreadable once they are gone', async () => {
    const seen: string[] = [];
    await startRunner({
      ingest: async ({ inputPath }) => {
        seen.push(await readFile(inputPath!, 'utf8'));
        return { data: {} };
      },
    });
    const staged = await storedInput('the uploaded bytes', newId('prj'));
    const task = dispatch('ingest', null, {
      project_id: staged.project_id,
      source_key: staged.storage_key,
      source_filename: 'clip.mp4',
    });
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({ type: 'completed' });
    expect(seen).toEqual(['the uploaded bytes']);

    await storage.delete(staged.storage_key);
    const again = dispatch('ingest', null, {
      project_id: staged.project_id,
      source_key: staged.storage_key,
    });
    await scheduler.dispatch(again);
    expect(await waitForFinal(again.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'input_unreadable' },
      retryable: false,
    });
    expect(seen).toHaveLength(1);
  });

  it('reports a work directory it cannot make as a retryable internal failure', async () => {
    const handler = jest.fn<ReturnType<TaskHandler>, [TaskContext]>(async () => ({ data: {} }));
    await startRunner(
      { image: handler },
      { scratchDir: path.join(scratchDir, 'missing', 'deeper') },
    );
    const task = dispatch('image', null);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'internal' },
      retryable: true,
    });
    expect(handler).not.toHaveBeenCalled();
    await expectAcked();
  });

  it('fails a kind it has no handler for, for good', async () => {
    const runner = new TaskRunner({
      transport: worker,
      storage,
      handlers: {},
      ackWaitMs: ACK_WAIT_MS,
      timeoutMs: 60_000,
      scratchDir,
      logger,
    });
    const consumer = await worker.consumeWork({ nsfw: 1 }, runner.run);
    stoppables.push(consumer);
    const task = dispatch('nsfw', null);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id)).toMatchObject({
      type: 'failed',
      error: { code: 'internal' },
      retryable: false,
    });
    await expectAcked();
  });

  it('keeps a task longer than ack_wait to itself by heartbeating', async () => {
    let calls = 0;
    await startRunner({
      thumbnails: async () => {
        calls++;
        await sleep(ACK_WAIT_MS * 2.5);
        return { data: {} };
      },
    });
    const task = dispatch('thumbnails', null);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id, ACK_WAIT_MS * 5)).toMatchObject({ type: 'completed' });
    await sleep(500);
    expect(calls).toBe(1);
    expect(
      eventsOf(task.task_id)
        .map((e) => e.type)
        .filter((type) => type !== 'progress'),
    ).toEqual(['started', 'completed']);
  });

  it('says a silent handler is still alive with progress events the scheduler hears', async () => {
    await startRunner(
      {
        thumbnails: async () => {
          await sleep(ACK_WAIT_MS * 2.5);
          return { data: {} };
        },
      },
      { keepAliveMs: ACK_WAIT_MS / 3 },
    );
    const task = dispatch('thumbnails', null);
    await scheduler.dispatch(task);
    expect(await waitForFinal(task.task_id, ACK_WAIT_MS * 5)).toMatchObject({ type: 'completed' });
    const keepAlives = eventsOf(task.task_id).filter((e) => e.type === 'progress');
    expect(keepAlives.length).toBeGreaterThanOrEqual(2);
    expect(keepAlives.every((e) => e.type === 'progress' && e.progress === 0)).toBe(true);
  });

  it('on stop, finishes the task under way and publishes its outcome before returning', async () => {
    let began = false;
    const { consumer } = await startRunner({
      image: async () => {
        began = true;
        await sleep(800);
        return { data: { done: true } };
      },
    });
    const task = dispatch('image', null);
    await scheduler.dispatch(task);
    await waitFor(() => began);
    await consumer.stop();
    // Published (and stored by JetStream) before stop returned: started and completed.
    const jsm = await admin.jetstreamManager();
    expect((await jsm.streams.info(`${prefix}_TASK_EVENTS`)).state.messages).toBe(2);
    await waitFor(() => finalOf(task.task_id) !== undefined);
    expect(finalOf(task.task_id)).toMatchObject({
      type: 'completed',
      result: { data: { done: true } },
    });
    await expectAcked();
  });
});
