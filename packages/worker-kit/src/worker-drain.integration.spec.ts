import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId, type TaskDispatch, type TaskEvent } from '@mediaflow/contracts';
import { JetStreamTaskTransport, taskTransportNames, type Stoppable } from '@mediaflow/messaging';
import { connect, type NatsConnection } from 'nats';

// A rolling deploy, with real processes on the real JetStream: two workers
// share the image queue, one is sent SIGTERM in the middle of a task. It must
// finish that task, take no other, and exit 0; the other worker does the
// rest, and no task runs twice.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `t${randomBytes(4).toString('hex')}`;
const REGISTER_TS = path.join(__dirname, 'testing', 'register-ts.js');
const WORKER_SCRIPT = path.join(__dirname, 'testing', 'drain-worker.ts');
const TASK_MS = 1_500;
const TASKS = 10;
/** Short, so that a task left unacked would come again to the other worker within the test. */
const ACK_WAIT_MS = 3_000;
/** SIGTERM to exit: the task under way (TASK_MS), then closing HTTP and NATS; generous for a loaded CI. */
const EXIT_BOUND_MS = TASK_MS + 10_000;

interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** The lines the worker recorded so far: `ready`, `sigterm`, `start <id>`, `end <id>`. */
  record(): string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed, for failure messages. */
  output(): string;
}

let root: string;
let admin: NatsConnection;
let scheduler: JetStreamTaskTransport;
let following: Stoppable;
const events: TaskEvent[] = [];
const workers: WorkerProcess[] = [];

async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs: number,
  worker?: WorkerProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}${worker ? `:\n${worker.output()}` : ''}`);
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

/** Starts a worker process taking one image task at a time; resolves once it takes work. */
async function startWorkerProcess(name: string): Promise<WorkerProcess> {
  const recordPath = path.join(root, `${name}.record`);
  writeFileSync(recordPath, '');
  // Only what it needs: an inherited MEDIAFLOW_* would change what is tested.
  const env = {
    PATH: process.env.PATH,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    NATS_URL,
    NATS_SUBJECT_PREFIX: prefix,
    MEDIAFLOW_DATA_DIR: path.join(root, name, 'data'),
    TMPDIR: root,
    MEDIAFLOW_TASK_ACK_WAIT_MS: String(ACK_WAIT_MS),
    MEDIAFLOW_WORKER_CONCURRENCY: '1',
    DRAIN_WORKER_RECORD: recordPath,
    DRAIN_WORKER_TASK_MS: String(TASK_MS),
  };
  const child = spawn(process.execPath, ['-r', REGISTER_TS, WORKER_SCRIPT], {
    cwd: path.join(__dirname, '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const worker: WorkerProcess = {
    name,
    child,
    record: () => readFileSync(recordPath, 'utf8').split('\n').filter(Boolean),
    exited,
    output: () => `${name}:\n${output}`,
  };
  workers.push(worker);
  await waitFor(
    () => worker.record().includes('ready') || child.exitCode !== null,
    `${name} to take work`,
    30_000,
    worker,
  );
  if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${worker.output()}`);
  return worker;
}

/** Sends SIGTERM and fails unless the worker exits with code 0 within EXIT_BOUND_MS. */
async function expectDrainedExit(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGTERM');
  let bound: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    worker.exited,
    new Promise<'still running'>((resolve) => {
      bound = setTimeout(() => resolve('still running'), EXIT_BOUND_MS);
    }),
  ]);
  clearTimeout(bound);
  if (exit === 'still running' || exit.code !== 0 || exit.signal !== null) {
    throw new Error(
      `${worker.name}, sent SIGTERM, is ${JSON.stringify(exit)} after ${EXIT_BOUND_MS} ms, not exited with 0:\n${worker.output()}`,
    );
  }
}

/** The task ids of the `start`s or `end`s of a record, in order. */
const tasks = (lines: readonly string[], what: 'start' | 'end') =>
  lines.filter((line) => line.startsWith(`${what} `)).map((line) => line.slice(what.length + 1));

const eventsOf = (type: TaskEvent['type']) =>
  events.filter((e) => e.type === type).map((e) => e.task_id);

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

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'worker-kit-drain-'));
  admin = await connect({ servers: NATS_URL });
  scheduler = await JetStreamTaskTransport.connect({
    url: NATS_URL,
    name: 'scheduler',
    subjectPrefix: prefix,
  });
  await scheduler.setup();
  following = await scheduler.followEvents((e) => events.push(e));
});

afterAll(async () => {
  for (const { child } of workers) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(workers.map((w) => w.exited));
  await following?.stop();
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

it('a worker sent SIGTERM mid-task finishes it, takes nothing new and exits 0; no task runs twice', async () => {
  const [a, b] = await Promise.all([startWorkerProcess('a'), startWorkerProcess('b')]);
  const sent = Array.from({ length: TASKS }, dispatch);
  for (const task of sent) await scheduler.dispatch(task);

  // A is in the middle of a task: started, not ended.
  const midTask = () => {
    const ended = new Set(tasks(a.record(), 'end'));
    return tasks(a.record(), 'start').some((id) => !ended.has(id));
  };
  await waitFor(midTask, 'worker a to be in the middle of a task', 20_000, a);
  await expectDrainedExit(a);

  // Read from A's own record: what it held when the signal came, and what it did after.
  const record = a.record();
  const signalled = record.indexOf('sigterm');
  expect(signalled).toBeGreaterThan(0);
  const before = record.slice(0, signalled);
  const after = record.slice(signalled + 1);
  const endedBefore = new Set(tasks(before, 'end'));
  const held = tasks(before, 'start').filter((id) => !endedBefore.has(id));
  expect(held).toHaveLength(1);
  expect(tasks(after, 'start')).toEqual([]);
  expect(tasks(after, 'end')).toEqual(held);
  // Its outcome was published by A before it exited (the event follows it to us over NATS).
  await waitFor(() => eventsOf('completed').includes(held[0]!), 'the held task completed', 5_000);

  // B does the rest; every task runs once, across the two, and ends completed once.
  const ids = sent.map((t) => t.task_id).sort();
  await waitFor(() => eventsOf('completed').length >= TASKS, 'every task completed', 40_000, b);
  const started = [...tasks(a.record(), 'start'), ...tasks(b.record(), 'start')];
  const ended = [...tasks(a.record(), 'end'), ...tasks(b.record(), 'end')];
  expect(started.sort()).toEqual(ids);
  expect(ended.sort()).toEqual(ids);
  expect(tasks(b.record(), 'start')).not.toContain(held[0]);
  expect(eventsOf('started').sort()).toEqual(ids);
  expect(eventsOf('completed').sort()).toEqual(ids);

  // Nothing was delivered again (not even a message pulled as A stopped and handed back), nothing is left.
  const names = taskTransportNames(prefix);
  const jsm = await admin.jetstreamManager();
  // The last ack may still be on its way when the last event is seen: wait for it, boundedly.
  const settled = async () => {
    for (let i = 0; i < 100; i++) {
      const info = await jsm.consumers.info(names.workStream, names.workConsumer('image'));
      if (info.num_ack_pending === 0) return info;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return jsm.consumers.info(names.workStream, names.workConsumer('image'));
  };
  const consumer = await settled();
  expect(consumer).toMatchObject({ num_redelivered: 0, num_ack_pending: 0, num_pending: 0 });
  expect((await jsm.streams.info(names.workStream)).state.messages).toBe(0);

  // B, idle, drains and exits too.
  await expectDrainedExit(b);
}, 60_000);
