import { randomBytes } from 'node:crypto';
import { parseConfig } from '@mediaflow/config';
import {
  MediaflowError,
  newId,
  registryRpc,
  schedulerRpc,
  type AutomationEventRecord,
} from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus, type Served } from '@mediaflow/messaging';
import { DataSource } from 'typeorm';
import { registryConfigSchema, startRegistry, type RunningRegistry } from '../src';

// Automation events, from the outbox the automations' trigger writes to
// the scheduler's subject, on the real PostgreSQL and NATS. The test serves
// that subject itself: it records what the registry relays (the scheduler's
// side, keeping each event once, is in the scheduler's and the e2e tests).
jest.setTimeout(30_000);

const prefix = `t${randomBytes(6).toString('hex')}`;
const project = newId('prj');

let db: TestDatabase;
let registry: RunningRegistry | undefined;
let client: NatsMessageBus;
let served: Served | undefined;

const start = async () => {
  const config = parseConfig(registryConfigSchema, {
    DATABASE_URL: db.url,
    NATS_URL: process.env.NATS_URL,
    NATS_SUBJECT_PREFIX: prefix,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  registry = await startRegistry({ ...config, PORT: 0 }, { shutdownHooks: false });
};

/** The outbox, read directly: the type of each event waiting, oldest first. */
const waiting = async () =>
  (
    (await registry!.app
      .get(DataSource)
      .query('SELECT type FROM registry.automation_events ORDER BY seq')) as { type: string }[]
  ).map((row) => row.type);

/** Serves the scheduler's subject: records each batch, failing the first `failures` of them. */
async function serveScheduler(failures = 0): Promise<AutomationEventRecord[][]> {
  const batches: AutomationEventRecord[][] = [];
  let calls = 0;
  served = await client.serve(
    schedulerRpc.recordAutomationEvents,
    async (request) => {
      calls += 1;
      if (calls <= failures) throw new MediaflowError('service_unavailable', 'not now');
      expect(request.events.every((e) => e.project_id === project)).toBe(true);
      batches.push(request.events.map((e) => e.event));
      return { accepted: request.events.length };
    },
    { queue: 'scheduler' },
  );
  return batches;
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await start();
  client = await NatsMessageBus.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'registry-events-test',
    subjectPrefix: prefix,
  });
});

afterAll(async () => {
  await served?.stop();
  await client?.close();
  await registry?.close();
  await db?.drop();
});

it('keeps one event per change in the outbox while the scheduler is away, across a restart, then relays them in order, once', async () => {
  const created = await client.request(registryRpc.create, {
    project_id: project,
    body: { name: 'Process uploads', workflow: [{ kind: 'image', width: 320 }] },
  });
  const updated = await client.request(registryRpc.update, {
    project_id: project,
    id: created.id,
    body: { status: 'paused' },
  });
  // Refused changes change nothing, and make no event.
  await expect(
    client.request(registryRpc.update, {
      project_id: project,
      id: newId('auto'),
      body: { name: 'x' },
    }),
  ).rejects.toMatchObject({ code: 'not_found' });
  await expect(
    client.request(registryRpc.create, { project_id: project, body: { name: 'no workflow' } }),
  ).rejects.toMatchObject({ code: 'validation_failed' });
  await client.request(registryRpc.delete, { project_id: project, id: created.id });
  expect(await waiting()).toEqual([
    'automation.created',
    'automation.updated',
    'automation.deleted',
  ]);

  // The process goes away with its events unsent; the next one finds them.
  await registry!.close();
  await start();
  expect(await waiting()).toHaveLength(3);

  // The scheduler comes, and fails the first batch: it is sent again, the same.
  const batches = await serveScheduler(1);
  await until(async () => batches.length === 1 && (await waiting()).length === 0, 'the relay');
  const [events] = batches;
  expect(events!.map((e) => e.type)).toEqual([
    'automation.created',
    'automation.updated',
    'automation.deleted',
  ]);
  expect(events!.map((e) => e.data)).toEqual([created, updated, updated]);
  expect(new Set(events!.map((e) => e.id)).size).toBe(3);
  for (const event of events!) {
    expect(event.id).toMatch(/^evt_[a-z0-9]{16}$/);
    expect(event.created_at).toBeGreaterThanOrEqual(created.created_at);
  }
});

it('relays a change made while the scheduler answers, with the automation as answered', async () => {
  await served?.stop();
  const seen = await serveScheduler();
  const created = await client.request(registryRpc.create, {
    project_id: project,
    body: {
      name: 'Thumbnails',
      workflow: [{ kind: 'thumbnails' }],
      trigger: { kind: 'event', event: 'file.created' },
    },
  });
  await until(() => seen.flat().length === 1, 'the event of the change');
  expect(seen.flat()).toEqual([
    {
      id: expect.stringMatching(/^evt_/),
      type: 'automation.created',
      created_at: created.created_at,
      data: created,
    },
  ]);
  // The relay deletes a batch once the scheduler has answered: just after the scheduler saw it.
  await until(async () => (await waiting()).length === 0, 'the outbox to be emptied');
});

it('makes one automation.created for a create resumed under the same idempotency claim', async () => {
  await served?.stop();
  const seen = await serveScheduler();
  const request = {
    project_id: project,
    body: { name: 'Once', workflow: [{ kind: 'summary' }] },
    idempotency_key: `claim-${randomBytes(6).toString('hex')}`,
  };
  const first = await client.request(registryRpc.create, request);
  const resumed = await client.request(registryRpc.create, request);
  expect(resumed).toEqual(first);
  await until(async () => (await waiting()).length === 0, 'the outbox to be emptied');
  expect(seen.flat().filter((e) => e.data.id === first.id)).toEqual([
    expect.objectContaining({ type: 'automation.created', data: first }),
  ]);
});
