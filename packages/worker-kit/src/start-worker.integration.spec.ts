import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId, type TaskDispatch, type TaskEvent } from '@mediaflow/contracts';
import { JetStreamTaskTransport, type Stoppable } from '@mediaflow/messaging';
import { LocalStorage } from '@mediaflow/storage';
import { connect, type NatsConnection } from 'nats';
import { startWorker, type RunningWorker } from './start-worker';
import type { WorkerConfig } from './worker-config';

// A whole worker process in-process: HTTP probes, the real JetStream and a real LocalStorage.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `t${randomBytes(4).toString('hex')}`;

let admin: NatsConnection;
let root: string;
let scheduler: JetStreamTaskTransport;
let following: Stoppable;
const events: TaskEvent[] = [];

const config = (): WorkerConfig => ({
  LOG_LEVEL: 'silent',
  HOST: '127.0.0.1',
  PORT: 0,
  NATS_URL,
  NATS_SUBJECT_PREFIX: prefix,
  NATS_REQUEST_TIMEOUT_MS: 2_000,
  MEDIAFLOW_DATA_DIR: path.join(root, 'data'),
  MEDIAFLOW_TASK_ACK_WAIT_MS: 2_000,
  MEDIAFLOW_WORKER_CONCURRENCY: 1,
  MEDIAFLOW_TASK_TIMEOUT_MS: 60_000,
  TMPDIR: path.join(root, 'scratch'),
});

function dispatch(): TaskDispatch {
  return {
    v: 1,
    task_id: newId('task'),
    attempt: 1,
    project_id: newId('prj'),
    kind: 'image',
    options: {},
    input: null,
    source_url: null,
    ref: null,
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const final = (taskId: string) =>
  events.find((e) => e.task_id === taskId && (e.type === 'completed' || e.type === 'failed'));

beforeAll(async () => {
  admin = await connect({ servers: NATS_URL });
  root = mkdtempSync(path.join(tmpdir(), 'worker-kit-start-'));
  await mkdir(path.join(root, 'scratch'));
  scheduler = await JetStreamTaskTransport.connect({
    url: NATS_URL,
    name: 'scheduler',
    subjectPrefix: prefix,
  });
  await scheduler.setup();
  following = await scheduler.followEvents((e) => events.push(e));
});

afterAll(async () => {
  await following.stop();
  await scheduler.close();
  const jsm = await admin.jetstreamManager();
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(`${prefix}_`)) await jsm.streams.delete(stream.config.name);
  }
  await admin.close();
  rmSync(root, { recursive: true, force: true });
});

describe('startWorker', () => {
  it('serves the probes, runs tasks into its storage, counts them, and on close finishes the task under way', async () => {
    let release: () => void = () => undefined;
    let began = false;
    const worker: RunningWorker = await startWorker({
      service: 'worker-test',
      config: config(),
      shutdownHooks: false,
      handlers: {
        image: async ({ task, workDir }) => {
          began = true;
          if (task.options.slow) await new Promise<void>((resolve) => (release = resolve));
          const out = path.join(workDir, 'out.jpg');
          await writeFile(out, 'jpeg bytes');
          return {
            file: {
              path: out,
              filename: 'out.jpg',
              properties: {
                kind: 'image',
                mimetype: 'image/jpeg',
                format: 'jpeg',
                width: 10,
                height: 10,
                duration: null,
                fps: null,
                filesize: 10,
                has_audio: false,
                has_video: false,
                language: null,
              },
            },
          };
        },
      },
    });
    let closed = false;
    try {
      expect(worker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${worker.url}/health`)).status).toBe(200);
      const ready = await fetch(`${worker.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { nats: 'ok' } });

      const quick = dispatch();
      await scheduler.dispatch(quick);
      await waitFor(() => final(quick.task_id) !== undefined);
      const done = final(quick.task_id)!;
      expect(done.type).toBe('completed');
      const key = done.type === 'completed' ? done.result.file!.storage_key : '';
      const storage = new LocalStorage(path.join(root, 'data', 'files'));
      expect(await storage.stat(key)).toEqual({ size: 10 });

      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      expect(metrics).toMatch(
        /mediaflow_tasks_total\{[^}]*kind="image",outcome="completed"[^}]*\} 1/,
      );
      expect(metrics).toMatch(/mediaflow_task_duration_seconds_count\{[^}]*kind="image"[^}]*\} 1/);

      // A rolling deploy: the worker is told to stop while a task is under way.
      began = false;
      const slow = { ...dispatch(), options: { slow: true } };
      await scheduler.dispatch(slow);
      await waitFor(() => began);
      const closing = worker.close().then(() => (closed = true));
      await sleep(300);
      expect(closed).toBe(false);
      release();
      await closing;
      // Its outcome was stored by JetStream before close returned, and the message acked.
      const jsm = await admin.jetstreamManager();
      expect((await jsm.streams.info(`${prefix}_TASK_EVENTS`)).state.messages).toBe(4);
      await waitFor(() => final(slow.task_id) !== undefined);
      expect(final(slow.task_id)!.type).toBe('completed');
      await sleep(200);
      expect((await jsm.streams.info(`${prefix}_TASKS`)).state.messages).toBe(0);
      expect(await readdir(path.join(root, 'scratch'))).toEqual([]);
      // Stopped: a new dispatch stays queued.
      await scheduler.dispatch(dispatch());
      await sleep(300);
      expect((await jsm.streams.info(`${prefix}_TASKS`)).state.messages).toBe(1);
    } finally {
      release();
      if (!closed) await worker.close();
    }
  });

  it('refuses to start without handlers', async () => {
    await expect(
      startWorker({ service: 'empty', config: config(), handlers: {}, shutdownHooks: false }),
    ).rejects.toThrow(/empty has no task handlers/);
  });
});
