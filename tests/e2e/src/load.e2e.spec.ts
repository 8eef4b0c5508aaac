import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  client,
  downloadBytes,
  freePort,
  openEventStream,
  readEventStream,
  readTaskEvents,
  startApp,
  System,
  type AppProcess,
  type StreamedEvent,
} from '@mediaflow/testing';
import sharp from 'sharp';

// Many tiny tasks at once, in both ways to run the product: every task
// accepted ends exactly once with exactly one output, and the event streams
// followed meanwhile lose no change, the project's stream not even across a
// cut (Last-Event-ID). Counts only: how fast is the benchmark's business
// (pnpm bench:throughput), never a test's.

const TASKS = Number(process.env.MEDIAFLOW_LOAD_TASKS ?? 1000);
const IN_FLIGHT = 32;
const STREAMED = 20;

type Api = ReturnType<typeof client>;

interface Product {
  api: Api;
  baseUrl: string;
  key: string;
}

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

/** Every page of a list route. */
async function listAll(api: Api, route: string): Promise<any[]> {
  const all: any[] = [];
  for (let page = 1; ; page++) {
    const res = await api(
      'GET',
      `${route}${route.includes('?') ? '&' : '?'}limit=100&page=${page}`,
    );
    expect(res.status).toBe(200);
    all.push(...res.body.data);
    if (page >= res.body.meta.pages) return all;
  }
}

/**
 * Follows the project's stream (`GET /events/stream`) from before the load,
 * cuts it once a third of the tasks have completed, reconnects with
 * Last-Event-ID and reads on until every task has completed.
 */
class ProjectFollower {
  readonly before: StreamedEvent[] = [];
  readonly after: StreamedEvent[] = [];
  private readonly completed = new Set<string>();
  private expected?: Set<string>;
  private finished?: () => void;
  private readonly done = new Promise<void>((resolve) => (this.finished = resolve));
  private readonly cut = new AbortController();
  private reading?: Promise<StreamedEvent[]>;

  constructor(private readonly product: Product) {}

  async open(): Promise<void> {
    const { reading } = await openEventStream(
      `${this.product.baseUrl}/events/stream`,
      this.product.key,
      {
        signal: this.cut.signal,
        onEvent: (event) => {
          this.before.push(event);
          this.note(event);
          if (this.completed.size >= TASKS / 3) this.cut.abort();
        },
      },
    );
    this.reading = reading;
  }

  /** Resolves once every task of `ids` has completed on the stream (resumed once), or after 120 s. */
  async follow(ids: readonly string[]): Promise<void> {
    this.expected = new Set(ids);
    await this.reading;
    const lastEventId = this.before.filter((event) => event.id !== undefined).at(-1)?.id;
    const cut = new AbortController();
    const timeout = setTimeout(() => cut.abort(), 120_000);
    void this.done.then(() => cut.abort());
    this.check();
    await readEventStream(`${this.product.baseUrl}/events/stream`, this.product.key, {
      lastEventId,
      signal: cut.signal,
      onEvent: (event) => {
        this.after.push(event);
        this.note(event);
      },
    });
    clearTimeout(timeout);
  }

  private note(event: StreamedEvent): void {
    if (event.data.type === 'task.completed') this.completed.add(event.data.data.id);
    this.check();
  }

  private check(): void {
    if (this.expected && [...this.expected].every((id) => this.completed.has(id))) this.finished!();
  }
}

async function loadRound(product: Product): Promise<void> {
  const { api } = product;
  const png = await sharp({
    create: { width: 64, height: 48, channels: 3, background: '#2a9d8f' },
  })
    .png()
    .toBuffer();
  const stored = await api('POST', '/files', {
    data: png,
    headers: { 'content-type': 'image/png' },
  });
  expect(stored.status).toBe(201);
  const project = new ProjectFollower(product);
  await project.open();

  // A sample is followed on its event streams from the answer on; the rest are waited for in the answer.
  const submit = (i: number) =>
    api('POST', '/tasks', {
      body: { kind: 'image', file_id: stored.body.id, options: { width: 16, format: 'png' } },
      headers: {
        'idempotency-key': `load-${i}`,
        ...(i < STREAMED ? {} : { prefer: 'wait=30' }),
      },
    });

  const streamed: Promise<StreamedEvent[]>[] = [];
  const answers = await pool(
    Array.from({ length: TASKS }, (_, i) => i),
    IN_FLIGHT,
    async (i) => {
      const answer = await submit(i);
      expect(answer.status).toBe(201);
      if (i < STREAMED) streamed.push(readTaskEvents(product.baseUrl, product.key, answer.body.id));
      return answer.body;
    },
  );

  // A retried request answers its first answer and starts nothing.
  const retried = await submit(0);
  expect(retried.body.id).toBe(answers[0].id);

  const ids = answers.map((task) => task.id);
  expect(new Set(ids).size).toBe(TASKS);

  // Each ends exactly once: listed once, completed, with one output file of its own.
  const deadline = Date.now() + 120_000;
  let tasks: any[] = [];
  while (Date.now() < deadline) {
    tasks = (await listAll(api, '/tasks?kind=image')).filter((task) => ids.includes(task.id));
    if (tasks.every((task) => task.status === 'completed') && tasks.length === TASKS) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(tasks).toHaveLength(TASKS);
  expect(tasks.filter((task) => task.status !== 'completed')).toEqual([]);
  const outputs = tasks.map((task) => task.output.id);
  expect(new Set(outputs).size).toBe(TASKS);

  const files = await listAll(api, '/files');
  const produced = files.filter((file) => file.id !== stored.body.id);
  expect(produced.map((file) => file.id).sort()).toEqual([...outputs].sort());
  for (const task of tasks.slice(0, 10)) {
    const { status, bytes } = await downloadBytes(task.output.url);
    expect(status).toBe(200);
    expect((await sharp(bytes).metadata()).width).toBe(16);
  }

  // The project's stream, across its cut: every task created, started and completed, each once.
  await project.follow(ids);
  expect(project.before.length).toBeGreaterThan(0);
  expect(project.after.length).toBeGreaterThan(0);
  const kept = [...project.before, ...project.after].filter((e) => e.data.type !== 'task.progress');
  expect(new Set(kept.map((e) => e.data.id)).size).toBe(kept.length);
  const typesOf = new Map<string, string[]>();
  for (const { data } of kept)
    typesOf.set(data.data.id, [...(typesOf.get(data.data.id) ?? []), data.type]);
  for (const id of ids)
    expect([id, typesOf.get(id)]).toEqual([id, ['task.created', 'task.started', 'task.completed']]);

  // No change lost on the streams: each ended on its task's completion, after its start, ids unique.
  for (const events of await Promise.all(streamed)) {
    const types = events.map((event) => event.data.type);
    expect(types.at(-1)).toBe('task.completed');
    expect(types.filter((type) => type === 'task.completed')).toHaveLength(1);
    expect(new Set(events.map((event) => event.data.id)).size).toBe(events.length);
  }
}

describe(`${TASKS} tiny tasks, ${IN_FLIGHT} in flight`, () => {
  it('services mode: every task ends once, with one output, and streams lose nothing', async () => {
    const system = await System.start(['scheduler', 'worker-video', 'worker-image', 'gateway'], {
      LOG_LEVEL: 'error',
    });
    try {
      await loadRound({
        api: client(system.baseUrl, system.adminKey),
        baseUrl: system.baseUrl,
        key: system.adminKey,
      });
    } finally {
      await system.stop();
    }
  }, 300_000);

  it('all-in-one: every task ends once, with one output, and streams lose nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-load-'));
    let app: AppProcess | undefined;
    try {
      const port = await freePort();
      app = await startApp(
        'all-in-one',
        { NATS_URL: '', DATABASE_URL: '', MEDIAFLOW_API_KEY: '', MEDIAFLOW_DATA_DIR: dataDir },
        port,
      );
      const key = readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
      const baseUrl = `http://127.0.0.1:${port}`;
      await loadRound({ api: client(baseUrl, key), baseUrl, key });
    } finally {
      await app?.stop('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
