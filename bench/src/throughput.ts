/**
 * Many tiny image tasks through the whole system, as a client would send
 * them, against the same sharp call made directly, in one run; what each
 * task costs the orchestration (database, messages, CPU) and how quickly its
 * outcome reaches the client (answer or poll, SSE, webhook). Prints a table
 * and writes the same as JSON under bench/results/. docs/performance.md says
 * what each number means.
 *
 *   pnpm bench:throughput [--mode all-in-one|services] [--tasks 2000] [--concurrency 32]
 *     [--serial 200] [--sse 100] [--webhooks 100] [--prefer-wait 10] [--cpu-prof] [--timeout 1800]
 */
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { client, WebhookReceiver } from '@mediaflow/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import sharp from 'sharp';
import { summariseCpuProfile, type ProfileSummary } from './cpu-profile';
import { JournalFollower } from './journal-follower';
import { machineCpuMs, processCpuMs } from './process-cpu';
import { processTree } from './process-memory';
import { PostgresCounters, type PostgresSnapshot, type TaskTimes } from './postgres-counters';
import { writeResults } from './results';
import { median, percentile, table } from './stats';
import {
  startAllInOneSystem,
  startServicesSystem,
  type Mode,
  type SystemUnderTest,
} from './system-under-test';
import { followTaskEvents, type FollowedStream } from './task-event-follower';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'all-in-one' },
    tasks: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    serial: { type: 'string', default: '200' },
    sse: { type: 'string', default: '100' },
    webhooks: { type: 'string', default: '100' },
    'prefer-wait': { type: 'string', default: '10' },
    'cpu-prof': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '1800' },
  },
  strict: true,
});

function count(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, not ${String(args[name])}`);
    process.exit(2);
  }
  return value;
}

if (args.mode !== 'all-in-one' && args.mode !== 'services') {
  console.error(`--mode must be all-in-one or services, not ${args.mode}`);
  process.exit(2);
}
const MODE: Mode = args.mode;
const TASKS = count('tasks', 1);
const CONCURRENCY = count('concurrency', 1);
const SERIAL = count('serial', 0);
const SSE_SAMPLE = Math.min(count('sse', 0), TASKS);
const WEBHOOK_SAMPLE = Math.min(count('webhooks', 0), TASKS);
const PREFER_WAIT_S = count('prefer-wait', 0);
const TIMEOUT_MS = count('timeout', 10) * 1000;
/** A task not final this long after its request is given up on (and counted lost). */
const TASK_TIMEOUT_MS = 300_000;
/** Polls start this soon after the answer and double up to POLL_MAX_MS (the testing helper's interval). */
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 250;
/** How long webhooks not yet received are waited for once every task has ended. */
const WEBHOOK_WAIT_MS = 60_000;
/**
 * PostgreSQL publishes a backend's transaction counts when it has been idle a
 * while (PGSTAT_IDLE_INTERVAL, 10 s) or a second after its last report:
 * pg_stat_database is read that long after the load stops.
 */
const STATS_SETTLE_MS = 11_000;
const OPTIONS = { width: 16, format: 'png' };
const FINAL = new Set(['completed', 'failed', 'cancelled', 'skipped']);
const MB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + TIMEOUT_MS;

/** One task's life as the client saw it. */
interface Submitted {
  index: number;
  id?: string;
  /** Unix ms just before the request was sent. */
  requestedAt: number;
  /** Unix ms when the client learnt the task had ended. */
  endedAt?: number;
  status?: string;
  /** How the client learnt it: the answer itself (`Prefer: wait` applied), polling, or the SSE stream. */
  followedBy?: 'answer' | 'poll' | 'sse';
  requests: number;
  webhook: boolean;
  stream?: FollowedStream;
  error?: string;
}

type Api = ReturnType<typeof client>;

/** Every `every`-th of `total`, starting at `offset`: a sample spread evenly over the run. */
function sampled(index: number, size: number, total: number, offset: number): boolean {
  if (size === 0) return false;
  const every = total / size;
  return Math.floor((index + offset) / every) !== Math.floor((index + offset - 1) / every);
}

async function poll(api: Api, task: Submitted, id: string, until: number): Promise<void> {
  let delay = POLL_FIRST_MS;
  while (Date.now() < until) {
    await sleep(delay);
    delay = Math.min(delay * 2, POLL_MAX_MS);
    task.requests++;
    const res = await api('GET', `/tasks/${id}`).catch((error: Error) => ({
      status: 0,
      body: { error: error.message },
    }));
    if (res.status === 200 && FINAL.has(res.body.status)) {
      task.endedAt = Date.now();
      task.status = res.body.status;
      task.followedBy = 'poll';
      return;
    }
  }
  task.error = 'not final in time';
}

/**
 * Submits one task and follows it to its end: by the answer when the gateway
 * applied `Prefer: wait`, else by its SSE stream (the sampled tasks, sent
 * without `Prefer`) or by polling `GET /tasks/:id`.
 */
async function submit(
  sut: SystemUnderTest,
  api: Api,
  fileId: string,
  task: Submitted,
  options: { stream: boolean; webhookUrl?: string },
): Promise<void> {
  const body = {
    kind: 'image',
    file_id: fileId,
    options: OPTIONS,
    ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}),
  };
  const wait = PREFER_WAIT_S > 0 && !options.stream;
  task.requestedAt = Date.now();
  task.requests++;
  const res = await api('POST', '/tasks', {
    body,
    headers: wait ? { prefer: `wait=${PREFER_WAIT_S}` } : {},
  }).catch((error: Error) => ({
    status: 0,
    body: { error: error.message },
    headers: new Headers(),
  }));
  if (res.status !== 201 && res.status !== 202) {
    task.error = `POST /tasks answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`;
    return;
  }
  const id: string = res.body.id;
  task.id = id;
  if (FINAL.has(res.body.status)) {
    task.endedAt = Date.now();
    task.status = res.body.status;
    task.followedBy = res.headers.has('preference-applied') ? 'answer' : 'poll';
    return;
  }
  const until = Math.min(deadline, task.requestedAt + TASK_TIMEOUT_MS);
  if (options.stream) {
    task.requests++;
    task.stream = await followTaskEvents(sut.baseUrl, sut.apiKey, id, until - Date.now());
    if (task.stream.final) {
      task.endedAt = task.stream.changes.at(-1)!.at;
      task.status = task.stream.final;
      task.followedBy = 'sse';
      return;
    }
  }
  await poll(api, task, id, until);
}

/** Runs `total` tasks with `concurrency` in flight; the sampled ones with an SSE stream or a webhook. */
async function runTasks(
  sut: SystemUnderTest,
  api: Api,
  fileId: string,
  total: number,
  concurrency: number,
  samples: { streams: number; webhooks: number; webhookUrl: string },
): Promise<Submitted[]> {
  const tasks: Submitted[] = [];
  let next = 0;
  const lane = async () => {
    while (next < total && Date.now() < deadline) {
      const index = next++;
      const task: Submitted = { index, requestedAt: 0, requests: 0, webhook: false };
      tasks.push(task);
      // Offsets keep the two samples apart, so no task has both.
      const stream = sampled(index, samples.streams, total, 0);
      task.webhook = !stream && sampled(index, samples.webhooks, total, 1);
      await submit(sut, api, fileId, task, {
        stream,
        webhookUrl: task.webhook ? samples.webhookUrl : undefined,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return tasks.sort((a, b) => a.index - b.index);
}

/** The same resize with sharp in this process, `concurrency` at a time; answers the elapsed ms. */
async function directSharp(input: Buffer, total: number, concurrency: number): Promise<number> {
  const began = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      await sharp(input).resize({ width: OPTIONS.width }).png().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return performance.now() - began;
}

/** `mediaflow_messages_published_total` by channel, summed over the product's processes; undefined where no process has it. */
async function publishedMessages(sut: SystemUnderTest): Promise<Map<string, number> | undefined> {
  const totals = new Map<string, number>();
  let found = false;
  for (const p of sut.processes) {
    const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
    for (const match of text.matchAll(
      /^mediaflow_messages_published_total\{([^}]*)\}\s+(\S+)$/gm,
    )) {
      found = true;
      const channel = /channel="([^"]*)"/.exec(match[1]!)?.[1] ?? '?';
      totals.set(channel, (totals.get(channel) ?? 0) + Number(match[2]));
    }
  }
  return found ? totals : undefined;
}

/** CPU ms used so far: each Node process of the product, PostgreSQL's processes together, NATS, this process. */
function cpuNow(sut: SystemUnderTest): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const p of sut.processes) cpu.set(p.name, processCpuMs(p.pid) ?? 0);
  cpu.set(
    'postgres',
    sut.postgresPids().reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0),
  );
  if (sut.nats) cpu.set('nats-server', processCpuMs(sut.nats.server.pid) ?? 0);
  cpu.set('bench (client)', processCpuMs(process.pid) ?? 0);
  return cpu;
}

/** Resident memory of each process: Node's RSS, PostgreSQL's PSS summed over its processes (RSS would count shared buffers once per backend). */
function memoryNow(sut: SystemUnderTest): Record<string, number> {
  const memory: Record<string, number> = {};
  const all = processTree(process.pid);
  const byPid = new Map(all.map((p) => [p.pid, p]));
  for (const p of sut.processes) memory[p.name] = byPid.get(p.pid)?.rssBytes ?? 0;
  const postgres = new Set(sut.postgresPids());
  memory['postgres (PSS, all processes)'] = all
    .filter((p) => postgres.has(p.pid))
    .reduce((sum, p) => sum + p.pssBytes, 0);
  if (sut.nats) memory['nats-server'] = byPid.get(sut.nats.server.pid)?.rssBytes ?? 0;
  return memory;
}

/** Output files on disk per task: `files/projects/<p>/tasks/<task>/<attempt>/<file>`. */
function outputsOnDisk(dataDir: string): Map<string, number> {
  const outputs = new Map<string, number>();
  const projects = path.join(dataDir, 'files', 'projects');
  const list = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const project of list(projects)) {
    const tasksDir = path.join(projects, project.name, 'tasks');
    for (const task of list(tasksDir)) {
      let files = 0;
      for (const attempt of list(path.join(tasksDir, task.name)))
        files += list(path.join(tasksDir, task.name, attempt.name)).filter((f) =>
          f.isFile(),
        ).length;
      outputs.set(task.name, files);
    }
  }
  return outputs;
}

function quantiles(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    n: finite.length,
    p50: median(finite),
    p99: percentile(finite, 0.99),
    max: finite.length ? Math.max(...finite) : NaN,
  };
}

/** How often memory is sampled during the load. */
const MEMORY_SAMPLE_MS = 2_000;

/** The samples at the end of each quarter of a series. */
function quarters(values: number[]): number[] {
  if (values.length === 0) return [];
  return [1, 2, 3, 4].map((q) => values[Math.max(0, Math.ceil((values.length * q) / 4) - 1)]!);
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const perTask = (value: number, tasks: number) => (value / tasks).toFixed(2);

/** Arrival − the change's time in PostgreSQL, for changes made after the stream was asked for. */
function streamDelays(tasks: Submitted[], rows: Map<string, TaskTimes>) {
  const delays: number[] = [];
  let expected = 0;
  for (const task of tasks) {
    const row = task.id ? rows.get(task.id) : undefined;
    if (!task.stream || !row) continue;
    const changes: [string, number | null][] = [
      ['processing', row.started_ms],
      [row.status, row.finished_ms],
    ];
    for (const [status, changedAt] of changes) {
      if (changedAt === null || changedAt < task.stream.openedAt) continue;
      expected++;
      const seen = task.stream.changes.find((change) => change.status === status);
      if (seen) delays.push(seen.at - changedAt);
    }
  }
  return { expected, ...quantiles(delays) };
}

/**
 * For each kept event of a sampled task committed after its stream was
 * asked for: the event's arrival on the stream minus its transaction's commit.
 */
function commitDelays(
  tasks: Submitted[],
  commits: readonly { id: string; task_id: string; committed_ms: number }[],
) {
  const streams = new Map(tasks.filter((t) => t.stream).map((t) => [t.id!, t.stream!]));
  const delays: number[] = [];
  let expected = 0;
  for (const event of commits) {
    const stream = streams.get(event.task_id);
    if (!stream || event.committed_ms < stream.openedAt) continue;
    expected++;
    const arrived = stream.arrivals.get(event.id);
    if (arrived !== undefined) delays.push(arrived - event.committed_ms);
  }
  return { expected, ...quantiles(delays) };
}

async function main(): Promise<void> {
  const wallStart = new Date();
  const profileDir = args['cpu-prof']
    ? path.resolve(__dirname, '../results', `throughput-profiles-${wallStart.getTime()}`)
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const hooks = new WebhookReceiver();
  await hooks.start();
  const env = { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1', LOG_LEVEL: 'error' };
  process.stdout.write(`starting the product (${MODE})… `);
  const sut =
    MODE === 'all-in-one'
      ? await startAllInOneSystem({ env, cpuProfileDir: profileDir })
      : await startServicesSystem({ env, cpuProfileDir: profileDir });
  console.log('ready');
  let stopping: Promise<void> | undefined;
  const stopProduct = () => (stopping ??= sut.stop());
  // A run past its bound stops whatever it is doing: the product is stopped and the bench exits.
  const watchdog = setTimeout(() => {
    console.error(
      `\nthe run took longer than --timeout (${TIMEOUT_MS / 1000} s) + 2 min; stopping`,
    );
    void Promise.race([stopProduct(), sleep(30_000)]).then(() => process.exit(3));
  }, TIMEOUT_MS + 120_000);
  watchdog.unref();
  // Ctrl-C: the product's processes hear it too; stop them all the same, and remove their data.
  process.once('SIGINT', () => {
    void Promise.race([stopProduct(), sleep(30_000)]).then(() => process.exit(130));
  });
  let nc: NatsConnection | undefined;
  let journal: JournalFollower | undefined;
  let db: PostgresCounters | undefined;
  try {
    db = await PostgresCounters.open(sut.databaseUrl);
    const api = client(sut.baseUrl, sut.apiKey);

    // Workers stamp `at` (ms) on their events; over NATS the bench hears them
    // as they are published, in one process it reads them from the journal.
    journal = sut.nats ? undefined : new JournalFollower(sut.dataDir);
    const workerStarts = journal?.workerStarts ?? new Map<string, number[]>();
    const workerEnds = journal?.workerEnds ?? new Map<string, number[]>();
    if (sut.nats) {
      nc = await connect({ servers: sut.nats.server.url });
      const codec = JSONCodec<{ type: string; task_id: string; at: number }>();
      nc.subscribe(`${sut.nats.prefix}.tasks.events.>`, {
        callback: (_error, message) => {
          const event = codec.decode(message.data);
          const stamps = { started: workerStarts, completed: workerEnds }[event.type];
          stamps?.set(event.task_id, [...(stamps.get(event.task_id) ?? []), event.at]);
        },
      });
    }

    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } },
    })
      .png()
      .toBuffer();
    const stored = await api('POST', '/files', {
      data: png,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (stored.status !== 201)
      throw new Error(`POST /files answered ${stored.status}: ${JSON.stringify(stored.body)}`);
    const fileId: string = stored.body.id;

    // Warm-up: connections, JIT, the workers' first pulls. Not measured.
    const warm = await runTasks(sut, api, fileId, Math.min(50, TASKS), CONCURRENCY, {
      streams: 0,
      webhooks: 0,
      webhookUrl: hooks.url,
    });
    if (warm.some((t) => t.status !== 'completed'))
      throw new Error(`warm-up: ${JSON.stringify(warm.find((t) => t.status !== 'completed'))}`);

    process.stdout.write(`sharp directly, ${TASKS} resizes, ${CONCURRENCY} at a time… `);
    const cpuBeforeDirect = processCpuMs(process.pid) ?? 0;
    const directMs = await directSharp(png, TASKS, CONCURRENCY);
    const directCpuMs = ((processCpuMs(process.pid) ?? 0) - cpuBeforeDirect) / TASKS;
    console.log(`${(directMs / 1000).toFixed(2)} s`);

    const memoryAtStart = memoryNow(sut);
    await sleep(STATS_SETTLE_MS);
    const pgBefore = await db.snapshot();
    await db.resetStatements();
    const messagesBefore = await publishedMessages(sut);
    const varzBefore = await sut.nats?.server.varz();
    const cpuBefore = cpuNow(sut);
    const machineBefore = machineCpuMs();

    process.stdout.write(`${TASKS} tasks, ${CONCURRENCY} in flight… `);
    const loadFromUs = Number(process.hrtime.bigint() / 1000n);
    const loadStart = performance.now();
    // Memory through the load, to tell growth that levels off from growth that does not.
    const memoryDuring: Record<string, number>[] = [];
    const memorySampler = setInterval(() => memoryDuring.push(memoryNow(sut)), MEMORY_SAMPLE_MS);
    const load = await runTasks(sut, api, fileId, TASKS, CONCURRENCY, {
      streams: SSE_SAMPLE,
      webhooks: WEBHOOK_SAMPLE,
      webhookUrl: hooks.url,
    });
    clearInterval(memorySampler);
    const loadMs = performance.now() - loadStart;
    const loadToUs = Number(process.hrtime.bigint() / 1000n);
    console.log(`${(loadMs / 1000).toFixed(2)} s`);

    const cpuAfter = cpuNow(sut);
    const machineAfter = machineCpuMs();
    const messagesAfter = await publishedMessages(sut);
    const varzAfter = await sut.nats?.server.varz();
    const statements = await db.statements();
    const xidAndWalAfter = await db.snapshot();
    await sleep(STATS_SETTLE_MS);
    const settled = await db.snapshot();
    const pgAfter: PostgresSnapshot = {
      ...xidAndWalAfter,
      commits: settled.commits,
      rollbacks: settled.rollbacks,
    };

    process.stdout.write(`${SERIAL} tasks one at a time… `);
    // A tenth followed by SSE and a tenth with a webhook: their latency with nothing queued.
    const serial = await runTasks(sut, api, fileId, SERIAL, 1, {
      streams: Math.round(SERIAL / 10),
      webhooks: Math.round(SERIAL / 10),
      webhookUrl: hooks.url,
    });
    console.log('done');

    const hooked = load.filter((t) => t.webhook && t.status === 'completed' && t.id);
    const serialHooked = serial.filter((t) => t.webhook && t.status === 'completed' && t.id);
    const hooksUntil = Math.min(deadline, Date.now() + WEBHOOK_WAIT_MS);
    while (
      Date.now() < hooksUntil &&
      [...hooked, ...serialHooked].some((t) => !hooks.arrivals.has(t.id!))
    )
      await sleep(100);

    journal?.stop();
    const memoryAtEnd = memoryNow(sut);
    const accepted = [...load, ...serial].filter((t) => t.id);
    const rows = new Map((await db.tasks(accepted.map((t) => t.id!))).map((row) => [row.id, row]));
    const eventCommits = await db.eventCommits(
      [...load, ...serial].filter((t) => t.id && (t.stream || t.webhook)).map((t) => t.id!),
    );
    const onDisk = outputsOnDisk(sut.dataDir);
    const messages =
      messagesBefore && messagesAfter
        ? Object.fromEntries(
            [...messagesAfter].map(([channel, n]) => [
              channel,
              (n - (messagesBefore.get(channel) ?? 0)) / TASKS,
            ]),
          )
        : undefined;

    // ---- what the numbers are ------------------------------------------------
    const row = (t: Submitted) => (t.id ? rows.get(t.id) : undefined);
    const completed = load.filter((t) => row(t)?.status === 'completed');
    const clientSeen = (tasks: Submitted[]) =>
      quantiles(
        tasks
          .filter((t) => t.followedBy === 'answer' || t.followedBy === 'poll')
          .map((t) => t.endedAt! - t.requestedAt),
      );
    const recordedEnd = (tasks: Submitted[]) =>
      quantiles(tasks.map((t) => (row(t)?.finished_ms ?? NaN) - t.requestedAt));
    const recordedStart = (tasks: Submitted[]) =>
      quantiles(tasks.map((t) => (row(t)?.started_ms ?? NaN) - t.requestedAt));
    const workerStart = (tasks: Submitted[]) =>
      quantiles(tasks.map((t) => (workerStarts.get(t.id ?? '')?.[0] ?? NaN) - t.requestedAt));
    // The worker's own time on a task, and how long its `completed` then waits to be applied.
    const workerBusy = (tasks: Submitted[]) =>
      quantiles(
        tasks.map(
          (t) =>
            (workerEnds.get(t.id ?? '')?.[0] ?? NaN) - (workerStarts.get(t.id ?? '')?.[0] ?? NaN),
        ),
      );
    const endToRecorded = (tasks: Submitted[]) =>
      quantiles(
        tasks.map((t) => (row(t)?.finished_ms ?? NaN) - (workerEnds.get(t.id ?? '')?.[0] ?? NaN)),
      );
    const webhookDelays = quantiles(
      hooked.map((t) => (hooks.arrivals.get(t.id!)?.[0] ?? NaN) - (row(t)?.finished_ms ?? NaN)),
    );
    // From the commit of the task's completion: when the end became a fact.
    const completedAt = new Map(
      eventCommits
        .filter((e) => e.type === 'task.completed')
        .map((e) => [e.task_id, e.committed_ms]),
    );
    const webhookCommitDelays = (tasks: Submitted[]) =>
      quantiles(
        tasks.map((t) => (hooks.arrivals.get(t.id!)?.[0] ?? NaN) - (completedAt.get(t.id!) ?? NaN)),
      );
    const statementCalls = statements.reduce((sum, s) => sum + s.calls, 0);
    const transactionControl = statements
      .filter((s) => /^(BEGIN|COMMIT|ROLLBACK|START|SAVEPOINT|RELEASE)\b/i.test(s.query))
      .reduce((sum, s) => sum + s.calls, 0);
    const followedBy = (tasks: Submitted[]) =>
      Object.fromEntries(
        ['answer', 'poll', 'sse'].map((how) => [
          how,
          tasks.filter((t) => t.followedBy === how).length,
        ]),
      );
    const lost = accepted.filter((t) => rows.get(t.id!)?.status !== 'completed');
    const cpuMs = Object.fromEntries(
      [...cpuAfter].map(([name, used]) => [name, (used - (cpuBefore.get(name) ?? 0)) / TASKS]),
    );
    const machineBusy =
      (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);

    const results = {
      mode: MODE,
      command: `pnpm bench:throughput ${process.argv.slice(2).join(' ')}`.trim(),
      tasks: TASKS,
      concurrency: CONCURRENCY,
      serial_tasks: SERIAL,
      prefer_wait_s: PREFER_WAIT_S,
      worker_concurrency: process.env.MEDIAFLOW_WORKER_CONCURRENCY ?? 'default',
      followed_by: { load: followedBy(load), serial: followedBy(serial) },
      load: {
        seconds: loadMs / 1000,
        tasks_per_second: completed.length / (loadMs / 1000),
        request_to_completed_client_ms: clientSeen(load),
        request_to_completed_recorded_ms: recordedEnd(load),
        request_to_started_recorded_ms: recordedStart(load),
        request_to_worker_start_ms: workerStart(load),
        worker_start_to_end_ms: workerBusy(load),
        worker_end_to_completed_recorded_ms: endToRecorded(load),
        client_requests_per_task: load.reduce((sum, t) => sum + t.requests, 0) / TASKS,
      },
      serial: {
        request_to_completed_client_ms: clientSeen(serial),
        request_to_completed_recorded_ms: recordedEnd(serial),
        request_to_started_recorded_ms: recordedStart(serial),
        request_to_worker_start_ms: workerStart(serial),
        worker_start_to_end_ms: workerBusy(serial),
        worker_end_to_completed_recorded_ms: endToRecorded(serial),
      },
      direct_sharp: {
        seconds: directMs / 1000,
        tasks_per_second: TASKS / (directMs / 1000),
        cpu_ms_per_task: directCpuMs,
      },
      ratio_to_direct_sharp: loadMs / directMs,
      sse: {
        streams: load.filter((t) => t.stream).length,
        stream_errors: load.filter((t) => t.stream?.error).length,
        change_to_event_ms: streamDelays(load, rows),
        commit_to_event_ms: commitDelays(load, eventCommits),
        one_at_a_time_commit_to_event_ms: commitDelays(serial, eventCommits),
      },
      webhooks: {
        expected: hooked.length,
        received: hooked.filter((t) => hooks.arrivals.has(t.id!)).length,
        received_more_than_once: hooked.filter((t) => (hooks.arrivals.get(t.id!)?.length ?? 0) > 1)
          .length,
        run_end_to_received_ms: webhookDelays,
        commit_to_received_ms: webhookCommitDelays(hooked),
        one_at_a_time_commit_to_received_ms: webhookCommitDelays(serialHooked),
      },
      postgres_per_task: {
        commits: (pgAfter.commits - pgBefore.commits) / TASKS,
        rollbacks: (pgAfter.rollbacks - pgBefore.rollbacks) / TASKS,
        writing_transactions: (pgAfter.nextXid - pgBefore.nextXid) / TASKS,
        wal_bytes: (pgAfter.walBytes - pgBefore.walBytes) / TASKS,
        statements: sut.statementsUnavailable ? null : statementCalls / TASKS,
        of_which_transaction_control: sut.statementsUnavailable ? null : transactionControl / TASKS,
        statements_unavailable: sut.statementsUnavailable ?? db.statementsUnavailable ?? null,
        top_statements: statements.slice(0, 25).map((s) => ({
          per_task: s.calls / TASKS,
          mean_ms: s.total_ms / s.calls,
          query: s.query.slice(0, 300),
        })),
      },
      messages_per_task: {
        published_by_channel: messages ?? null,
        published_total: messages ? Object.values(messages).reduce((sum, n) => sum + n, 0) : null,
        nats_in_msgs:
          varzBefore && varzAfter ? (varzAfter.in_msgs - varzBefore.in_msgs) / TASKS : null,
        nats_out_msgs:
          varzBefore && varzAfter ? (varzAfter.out_msgs - varzBefore.out_msgs) / TASKS : null,
      },
      cpu_ms_per_task: cpuMs,
      machine_cpu_busy_share: machineBusy,
      integrity: {
        requested: load.length + serial.length,
        rejected: [...load, ...serial].filter((t) => !t.id).length,
        accepted: accepted.length,
        completed: accepted.length - lost.length,
        lost: lost.length,
        lost_sample: lost.slice(0, 5).map((t) => ({
          id: t.id,
          status: rows.get(t.id!)?.status ?? 'no row',
          error: t.error,
        })),
        more_than_one_attempt: accepted.filter((t) => (rows.get(t.id!)?.attempt ?? 0) > 1).length,
        file_rows_not_one: accepted.filter((t) => rows.get(t.id!)?.files !== 1).length,
        outputs_on_disk_not_one: accepted.filter((t) => onDisk.get(t.id!) !== 1).length,
        started_more_than_once: accepted.filter((t) => (workerStarts.get(t.id!)?.length ?? 0) > 1)
          .length,
        first_errors: [...load, ...serial]
          .filter((t) => t.error)
          .slice(0, 5)
          .map((t) => t.error),
      },
      memory_bytes: {
        start: memoryAtStart,
        end: memoryAtEnd,
        during_load: { every_ms: MEMORY_SAMPLE_MS, samples: memoryDuring },
      },
      started_wall_clock: wallStart.toISOString(),
      timed_out: Date.now() > deadline,
    };

    // ---- the table ------------------------------------------------------------
    const l = results.load;
    const s = results.serial;
    const how = (counts: Record<string, number>) =>
      Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
    // The worker's own stamp on its `started` event, and the scheduler's record of it (the event applied).
    const source = sut.nats ? 'heard over NATS' : 'read from the journal';
    const starts = (phase: typeof l | typeof s, prefix: string, total: number) => [
      [
        `${prefix}request → worker start (the worker’s stamp, ${source}, ${phase.request_to_worker_start_ms.n} of ${total}), p50`,
        ms(phase.request_to_worker_start_ms.p50),
      ],
      [
        `${prefix}request → start recorded by the scheduler (started_at), p50`,
        ms(phase.request_to_started_recorded_ms.p50),
      ],
      [
        `${prefix}worker start → end (the worker’s stamps), p50`,
        ms(phase.worker_start_to_end_ms.p50),
      ],
      [
        `${prefix}worker end → completion recorded by the scheduler (finished_at), p50`,
        ms(phase.worker_end_to_completed_recorded_ms.p50),
      ],
    ];
    console.log(
      '\n' +
        table([
          ['', 'value'],
          [`mode`, MODE],
          ['tasks/s (all ended and completed / wall time)', l.tasks_per_second.toFixed(1)],
          [
            'sharp directly, tasks/s (same resize, same concurrency; CPU ms per resize)',
            `${results.direct_sharp.tasks_per_second.toFixed(1)} (${directCpuMs.toFixed(2)})`,
          ],
          ['ratio (Mediaflow time / sharp time)', `${results.ratio_to_direct_sharp.toFixed(1)}×`],
          [
            `request → completed, client saw it, p50 / p99 (${how(results.followed_by.load)})`,
            `${ms(l.request_to_completed_client_ms.p50)} / ${ms(l.request_to_completed_client_ms.p99)}`,
          ],
          [
            'request → completed, recorded (finished_at), p50 / p99',
            `${ms(l.request_to_completed_recorded_ms.p50)} / ${ms(l.request_to_completed_recorded_ms.p99)}`,
          ],
          ...starts(l, '', load.length),
          [
            `one at a time: request → completed, client saw it, p50 (${how(results.followed_by.serial)})`,
            ms(s.request_to_completed_client_ms.p50),
          ],
          [
            'one at a time: request → completed, recorded, p50',
            ms(s.request_to_completed_recorded_ms.p50),
          ],
          ...starts(s, 'one at a time: ', serial.length),
          [
            `state change → SSE event, p50 (${results.sse.change_to_event_ms.n} of ${results.sse.change_to_event_ms.expected} changes streamed, ${results.sse.streams} streams)`,
            ms(results.sse.change_to_event_ms.p50),
          ],
          [
            `commit → SSE event, p50 (${results.sse.commit_to_event_ms.n} of ${results.sse.commit_to_event_ms.expected} kept events streamed)`,
            ms(results.sse.commit_to_event_ms.p50),
          ],
          [
            `run end → webhook received, p50 (${results.webhooks.received} of ${results.webhooks.expected})`,
            ms(results.webhooks.run_end_to_received_ms.p50),
          ],
          [
            'run end committed → webhook received, p50',
            ms(results.webhooks.commit_to_received_ms.p50),
          ],
          [
            `one at a time: commit → SSE event, p50 (${results.sse.one_at_a_time_commit_to_event_ms.n} of ${results.sse.one_at_a_time_commit_to_event_ms.expected} kept events streamed)`,
            ms(results.sse.one_at_a_time_commit_to_event_ms.p50),
          ],
          [
            `one at a time: run end committed → webhook received, p50 (${results.webhooks.one_at_a_time_commit_to_received_ms.n})`,
            ms(results.webhooks.one_at_a_time_commit_to_received_ms.p50),
          ],
          [
            'PostgreSQL per task: commits / writing transactions / statements',
            `${perTask(pgAfter.commits - pgBefore.commits, TASKS)} / ${perTask(pgAfter.nextXid - pgBefore.nextXid, TASKS)} / ${results.postgres_per_task.statements?.toFixed(2) ?? 'n/a'}`,
          ],
          [
            'messages per task (published by the product' +
              (MODE === 'services' ? ' / NATS in_msgs)' : ')'),
            `${results.messages_per_task.published_total?.toFixed(2) ?? 'n/a'}` +
              (MODE === 'services'
                ? ` / ${results.messages_per_task.nats_in_msgs?.toFixed(2) ?? 'n/a'}`
                : ''),
          ],
          ['client requests per task', l.client_requests_per_task.toFixed(2)],
          [
            'lost / duplicated (attempts > 1, files ≠ 1, outputs on disk ≠ 1)',
            `${results.integrity.lost} / ${results.integrity.more_than_one_attempt}, ${results.integrity.file_rows_not_one}, ${results.integrity.outputs_on_disk_not_one}`,
          ],
          [
            'machine CPU busy during the load (all processes, anyone’s)',
            `${(machineBusy * 100).toFixed(0)} %`,
          ],
        ]),
    );
    console.log(
      '\n' +
        table([
          [
            'process',
            'CPU ms/task',
            'memory MB at start',
            'through the load, by quarter',
            'at end',
          ],
          ...Object.keys(memoryAtStart).map((name) => {
            const cpuName = name.startsWith('postgres') ? 'postgres' : name;
            return [
              name,
              cpuMs[cpuName]?.toFixed(2) ?? '',
              (memoryAtStart[name]! / MB).toFixed(0),
              quarters(memoryDuring.map((sample) => sample[name] ?? 0))
                .map((bytes) => (bytes / MB).toFixed(0))
                .join(' '),
              ((memoryAtEnd[name] ?? 0) / MB).toFixed(0),
            ];
          }),
          ['bench (client)', cpuMs['bench (client)']!.toFixed(2), '', '', ''],
        ]),
    );
    if (messages)
      console.log(
        `\nmessages published per task, by channel: ${Object.entries(messages)
          .map(([channel, n]) => `${channel} ${n.toFixed(2)}`)
          .join(', ')}`,
      );
    if (statements.length > 0) {
      console.log('\nmost frequent statements (per task, mean ms):');
      for (const st of results.postgres_per_task.top_statements.slice(0, 10))
        console.log(
          `  ${st.per_task.toFixed(2)}  ${st.mean_ms.toFixed(3)}  ${st.query.slice(0, 110)}`,
        );
    }

    await nc?.close();
    nc = undefined;
    await db.close();
    db = undefined;
    // The profiles are written as the processes exit.
    await stopProduct();

    let profiles: Record<string, ProfileSummary> | undefined;
    if (profileDir) {
      profiles = {};
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      for (const p of sut.processes) {
        const file = files.find((f) => f.split('.')[3] === String(p.pid));
        if (!file) continue;
        const summary = summariseCpuProfile(path.join(profileDir, file), loadFromUs, loadToUs);
        profiles[p.name] = summary;
        console.log(
          `\nCPU profile of ${p.name} over the load (${(summary.window_ms / 1000).toFixed(1)} s): idle ${(summary.idle_share * 100).toFixed(0)} %, GC ${(summary.gc_share * 100).toFixed(1)} %`,
        );
        console.log(
          '  by caller (Node’s and V8’s own code counted to the package that called it): ' +
            summary.by_caller
              .slice(0, 12)
              .map((o) => `${o.name} ${(o.share * 100).toFixed(1)} %`)
              .join(', '),
        );
        for (const f of summary.top_functions.slice(0, 12))
          console.log(`  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
      }
      console.log(`\nprofiles kept in ${profileDir}`);
    }
    console.log(
      `\nwrote ${writeResults(`throughput-${MODE}`, { ...results, cpu_profiles: profiles ?? null })}`,
    );
    if (results.integrity.lost > 0 || results.integrity.rejected > 0) process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    journal?.stop();
    await nc?.close();
    await db?.close();
    await stopProduct();
    await hooks.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
