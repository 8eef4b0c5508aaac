import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId, type TaskDispatch } from '@mediaflow/contracts';
import { JetStreamTaskTransport, type Stoppable } from '@mediaflow/messaging';
import { LocalStorage } from '@mediaflow/storage';
import { connect, type NatsConnection } from 'nats';
import { SCRATCH_GRACE_MS, WORK_DIR_PREFIX } from './scratch-dirs';
import { TaskRunner } from './task-runner';

// A worker process killed with SIGKILL in the middle of a task leaves its
// work directory in TMPDIR; the next worker to start there removes it, and
// keeps the work directory of an attempt still running.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `t${randomBytes(4).toString('hex')}`;
const REGISTER_TS = path.join(__dirname, 'testing', 'register-ts.js');
const WORKER_SCRIPT = path.join(__dirname, 'testing', 'drain-worker.ts');

let root: string;
let scratchDir: string;
let admin: NatsConnection;
let scheduler: JetStreamTaskTransport;
let worker: JetStreamTaskTransport;
let child: ChildProcess | undefined;
const stoppables: Stoppable[] = [];
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const workDirs = () => readdirSync(scratchDir).filter((name) => name.startsWith(WORK_DIR_PREFIX));

/** Sets a directory's mtime `ms` back, as that long untouched would. */
async function age(dir: string, ms = SCRATCH_GRACE_MS + 60_000): Promise<void> {
  const at = new Date(Date.now() - ms);
  await utimes(dir, at, at);
}

function dispatch(kind: 'image' | 'thumbnails'): TaskDispatch {
  return {
    v: 1,
    task_id: newId('task'),
    attempt: 1,
    project_id: newId('prj'),
    kind,
    options: {},
    input: null,
    source_url: null,
    ref: null,
  };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'worker-kit-scratch-'));
  scratchDir = path.join(root, 'scratch');
  mkdirSync(scratchDir);
  admin = await connect({ servers: NATS_URL });
  scheduler = await JetStreamTaskTransport.connect({
    url: NATS_URL,
    name: 'scheduler',
    subjectPrefix: prefix,
  });
  await scheduler.setup();
  worker = await JetStreamTaskTransport.connect({
    url: NATS_URL,
    name: 'worker',
    subjectPrefix: prefix,
  });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(stoppables.splice(0).map((s) => s.stop()));
  await worker?.close();
  await scheduler?.close();
  if (admin) {
    const jsm = await admin.jetstreamManager();
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(`${prefix}_`)) await jsm.streams.delete(stream.config.name);
    }
    await admin.close();
  }
  rmSync(root, { recursive: true, force: true });
});

it("a killed attempt's work directory is swept when a worker starts; a live attempt's is kept", async () => {
  // A worker process is killed in the middle of an image task: its work directory stays.
  const record = path.join(root, 'killed.record');
  await writeFile(record, '');
  child = spawn(process.execPath, ['-r', REGISTER_TS, WORKER_SCRIPT], {
    cwd: path.join(__dirname, '..'),
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      NATS_URL,
      NATS_SUBJECT_PREFIX: prefix,
      MEDIAFLOW_DATA_DIR: path.join(root, 'data'),
      TMPDIR: scratchDir,
      MEDIAFLOW_WORKER_CONCURRENCY: '1',
      DRAIN_WORKER_RECORD: record,
      DRAIN_WORKER_TASK_MS: '600000',
    },
    stdio: 'ignore',
  });
  const lines = () => readFileSync(record, 'utf8').split('\n');
  await waitFor(() => (lines().includes('ready') ? true : undefined), 'the worker to take work');
  const killedTask = dispatch('image');
  await scheduler.dispatch(killedTask);
  await waitFor(
    () => (lines().includes(`start ${killedTask.task_id}`) ? true : undefined),
    'the worker to start the task',
  );
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const [left] = workDirs();
  expect(workDirs()).toHaveLength(1);
  const dead = path.join(scratchDir, left!);
  expect(readdirSync(dead)).toEqual(['partial-output']);

  // Its grace passes with no one touching it.
  await age(dead);

  // A worker starts on the same TMPDIR and runs a task: the dead directory goes, before any work.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let liveDir: string | undefined;
  const runner = new TaskRunner({
    transport: worker,
    storage: new LocalStorage(path.join(root, 'data', 'files')),
    handlers: {
      thumbnails: async ({ workDir }) => {
        liveDir = workDir;
        await released;
        return { data: {} };
      },
    },
    ackWaitMs: 30_000,
    timeoutMs: 60_000,
    scratchDir,
    scratchSweepMs: 100,
    logger: quiet,
  });
  await runner.start();
  expect(existsSync(dead)).toBe(false);
  const consumer = await worker.consumeWork({ thumbnails: 1 }, runner.run);
  stoppables.push({ stop: async () => (await consumer.stop(), await runner.stop()) });

  // Its own attempt, silent past the grace, outlives its sweeps, which touch it for other processes.
  await scheduler.dispatch(dispatch('thumbnails'));
  const live = await waitFor(() => liveDir, 'the live attempt to start');
  await age(live);
  // A sweep has run since when it is touched again.
  await waitFor(
    () => (Date.now() - statSync(live).mtimeMs < SCRATCH_GRACE_MS ? true : undefined),
    'a sweep to touch the live work directory',
  );
  await sleep(300);
  expect(workDirs()).toEqual([path.basename(live)]);

  release();
  await waitFor(() => (existsSync(live) ? undefined : true), 'the attempt to clean up');
}, 60_000);
