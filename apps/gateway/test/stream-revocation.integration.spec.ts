import { randomBytes } from 'node:crypto';
import { parseConfig } from '@mediaflow/config';
import { schedulerRpc } from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { JetStreamTaskTransport, NatsMessageBus, type Served } from '@mediaflow/messaging';
import { DataSource } from 'typeorm';
import { CREDENTIAL_CHECK_MS } from '../src/auth/credential-watch';
import { startGateway, type RunningGateway } from '../src/bootstrap';
import { gatewayConfigSchema } from '../src/config';
import { sleep } from './event-stream-kit';
import { FakeRegistry } from './fake-registry';
import { FakeScheduler } from './fake-scheduler';
import {
  call,
  freePort,
  openEvents,
  type CallOptions,
  type EventStream,
  type ServerSentEvent,
} from './http-client';

// Against the real PostgreSQL and NATS, with the registry and the scheduler faked on the bus.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;
const SOURCE_URL = 'https://media.test/in.mp4';

/** The promise: a revoked key's streams end within a second (and a half, for a loaded machine). */
const ENDED_WITHIN_MS = 1_500;
/** On the replica the key was revoked through there is no check to wait for: only the loopback. */
const AT_ONCE_MS = 250;

const REVOKED: ServerSentEvent = {
  event: 'error',
  data: { error: { code: 'unauthorized', message: 'The API key of this stream was revoked' } },
};

interface Ending {
  stream: string;
  last: ServerSentEvent | null;
  /** What came after the last event: null once the gateway ended the stream. */
  after: ServerSentEvent | null;
  /** When the last event came, and when the stream ended (Date.now()). */
  lastAt: number;
  endedAt: number;
}

/** Reads a stream to its end: its next event, then whatever follows (null: the end). */
async function ending(stream: string, events: EventStream): Promise<Ending> {
  const last = await events.next(3 * ENDED_WITHIN_MS);
  const lastAt = Date.now();
  const after = await events.next(3 * ENDED_WITHIN_MS);
  return { stream, last, after, lastAt, endedAt: Date.now() };
}

describe('event streams of a revoked key (real PostgreSQL and NATS, fake registry and scheduler)', () => {
  let db: TestDatabase;
  let bus: NatsMessageBus;
  let changes: JetStreamTaskTransport;
  let registry: FakeRegistry;
  let scheduler: FakeScheduler;
  let eventLog: Served;
  /** The replica keys are revoked through, and another one. */
  let here: RunningGateway;
  let there: RunningGateway;
  let prefix: string;
  const opened: EventStream[] = [];

  const gatewayConfig = async () =>
    parseConfig(gatewayConfigSchema, {
      DATABASE_URL: db.url,
      NATS_URL,
      NATS_SUBJECT_PREFIX: prefix,
      NATS_REQUEST_TIMEOUT_MS: '2000',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MEDIAFLOW_API_KEY: ADMIN_KEY,
      // Never, in a test: only the fake scheduler's change notifications make a gateway read a task again.
      MEDIAFLOW_TASK_RECHECK_MS: '3600000',
    });

  const admin = (method: string, path: string, options: CallOptions = {}) =>
    call(here.url, method, path, { ...options, key: ADMIN_KEY });

  async function newKey(name: string): Promise<{ id: string; secret: string }> {
    const created = await admin('POST', '/api-keys', { json: { name } });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function newTask(): Promise<string> {
    const created = await admin('POST', '/tasks', { json: { kind: 'image', url: SOURCE_URL } });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  /** A task's stream, once open: its first event (the task) read. */
  async function taskStream(via: RunningGateway, taskId: string, key: string) {
    const events = await openEvents(`${via.url}/tasks/${taskId}/events`, key);
    opened.push(events);
    expect(events.status).toBe(200);
    expect((await events.next())!.event).toBe('task.created');
    return events;
  }

  /** The project's stream, open: its headers come once the gateway has taken it among its streams. */
  async function projectStream(via: RunningGateway, key: string) {
    const events = await openEvents(`${via.url}/events/stream`, key);
    opened.push(events);
    expect(events.status).toBe(200);
    return events;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = `gwk${randomBytes(5).toString('hex')}`;
    bus = await NatsMessageBus.connect({ url: NATS_URL, name: 'fakes', subjectPrefix: prefix });
    changes = await JetStreamTaskTransport.connect({
      url: NATS_URL,
      name: 'fakes',
      subjectPrefix: prefix,
    });
    registry = new FakeRegistry(bus);
    scheduler = new FakeScheduler(bus, changes);
    await Promise.all([registry.start(), scheduler.start()]);
    // An empty event log: what a project's stream sends here is the progress the scheduler announces.
    eventLog = await bus.serve(
      schedulerRpc.listEvents,
      async () => ({ data: [], cursor: '1:0', has_more: false, pending: false }),
      { queue: 'fake-event-log' },
    );
    [here, there] = await Promise.all([
      startGateway(await gatewayConfig(), { shutdownHooks: false }),
      startGateway(await gatewayConfig(), { shutdownHooks: false }),
    ]);
  }, 60_000);

  afterEach(() => {
    for (const events of opened.splice(0)) events.close();
  });

  afterAll(async () => {
    await Promise.all([here?.close(), there?.close()]);
    await Promise.all([registry?.stop(), scheduler?.stop(), eventLog?.stop()]);
    await bus?.close();
    await changes?.close();
    await db?.drop();
  });

  it("ends a revoked key's streams of both kinds with a last unauthorized event: at once on its replica, within a second on the other", async () => {
    const doomed = await newKey('doomed');
    const kept = await newKey('kept');
    const task = await newTask();
    // Name → the stream; the first two on the replica the key is revoked through.
    const doomedStreams: [string, EventStream][] = [
      ['task stream here', await taskStream(here, task, doomed.secret)],
      ['project stream here', await projectStream(here, doomed.secret)],
      ['task stream on the other replica', await taskStream(there, task, doomed.secret)],
      ['project stream on the other replica', await projectStream(there, doomed.secret)],
    ];
    const keptTask = await taskStream(there, task, kept.secret);
    const keptProject = await projectStream(here, kept.secret);

    const revokedAt = Date.now();
    const revoked = await admin('DELETE', `/api-keys/${doomed.id}`);
    const answeredAt = Date.now();
    expect(revoked.status).toBe(200);
    const endings = await Promise.all(doomedStreams.map(([name, events]) => ending(name, events)));

    expect(endings.map((e) => [e.stream, e.last, e.after])).toEqual(
      doomedStreams.map(([name]) => [name, REVOKED, null]),
    );
    const late = endings
      .filter((e) => e.endedAt - revokedAt >= ENDED_WITHIN_MS)
      .map((e) => `${e.stream}: ended ${e.endedAt - revokedAt} ms after the revocation`);
    expect(late).toEqual([]);
    const waited = endings
      .slice(0, 2)
      .filter((e) => e.lastAt - answeredAt >= AT_ONCE_MS)
      .map((e) => `${e.stream}: told ${e.lastAt - answeredAt} ms after the revocation's answer`);
    expect(waited).toEqual([]);

    // Another key's streams go on, past the other replica's next checks too.
    await sleep(CREDENTIAL_CHECK_MS * 1.5);
    scheduler.update(task, { status: 'processing', progress: 30, started_at: 2 });
    for (const events of [keptTask, keptProject]) {
      expect(await events.next()).toMatchObject({
        event: 'task.progress',
        data: { data: { id: task, status: 'processing', progress: 30 } },
      });
    }
  });

  it("refuses a revoked key's new streams of both kinds with 401, on every replica", async () => {
    const doomed = await newKey('revoked before it streams');
    const task = await newTask();
    expect((await admin('DELETE', `/api-keys/${doomed.id}`)).status).toBe(200);
    for (const via of [here, there]) {
      for (const path of [`/tasks/${task}/events`, '/events/stream']) {
        const answer = await call(via.url, 'GET', path, { key: doomed.secret });
        expect([path, answer.status, answer.body]).toEqual([
          path,
          401,
          { error: { code: 'unauthorized', message: 'Invalid API key' } },
        ]);
      }
    }
  });

  it('ends the streams of a key deleted with its project, within a second', async () => {
    const created = await admin('POST', '/projects', { json: { name: 'Deleted' } });
    expect(created.status).toBe(201);
    const events = await projectStream(there, created.body.api_key.secret);
    // As a project's deletion would: its keys go with it (ON DELETE CASCADE).
    const deletedAt = Date.now();
    await here.app
      .get(DataSource)
      .query('DELETE FROM gateway.projects WHERE id = $1', [created.body.project.id]);
    const ended = await ending('project stream', events);
    expect([ended.last, ended.after]).toEqual([REVOKED, null]);
    expect(ended.endedAt - deletedAt).toBeLessThan(ENDED_WITHIN_MS);
  });
});
