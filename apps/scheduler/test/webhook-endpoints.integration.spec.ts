import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  newId,
  schedulerRpc,
  type EventDelivery,
  type LoggedEventWithDeliveries,
  type WebhookEndpointWithSecret,
} from '@mediaflow/contracts';
import { WebhookReceiver, type ReceivedRequest } from '@mediaflow/testing';
import { Reconciler } from '../src/reconciler/reconciler.service';
import { Harness, failure, until } from './support/harness';

// Webhook endpoints and the event log's deliveries, against the real
// PostgreSQL and NATS JetStream, to receivers on loopback: only 127.0.0.1
// is on MEDIAFLOW_ALLOWED_HOSTS, so 127.0.0.2 stands for an address a
// delivery may never reach.
jest.setTimeout(60_000);

const TIMEOUT_MS = 500;

let h: Harness;
const receiver = new WebhookReceiver();
/** On 127.0.0.2: what a redirect points at. Counts every connection it gets. */
let forbidden: { server: Server; port: number; hits: number };

beforeAll(async () => {
  await receiver.start();
  forbidden = await listenOn127002();
  h = await Harness.start({ MEDIAFLOW_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) });
});

afterAll(async () => {
  await h?.stop();
  await receiver.stop();
  forbidden?.server.closeAllConnections();
  await new Promise((resolve) => forbidden?.server.close(resolve));
});

beforeEach(() => {
  receiver.answer = () => ({ status: 204 });
});

async function listenOn127002(): Promise<{ server: Server; port: number; hits: number }> {
  const state = { server: createServer(), port: 0, hits: 0 };
  state.server.on('connection', () => (state.hits += 1));
  state.server.on('request', (_req, res) => res.writeHead(204).end());
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.2', resolve));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

/** The receiver's URL under a path of its own, so each endpoint's requests can be told apart. */
const at = (name: string) => receiver.url.replace(/\/hook$/, `/${name}`);
const requestsTo = (name: string) => receiver.requests.filter((r) => r.path === `/${name}`);
const bodyOf = (request: ReceivedRequest) =>
  JSON.parse(request.body) as { id: string; type: string; created_at: number; data: any };

function createEndpoint(
  project: string,
  body: Record<string, unknown>,
): Promise<WebhookEndpointWithSecret> {
  return h.request(schedulerRpc.createWebhookEndpoint, { project_id: project, body });
}

/** A single image task on a URL, waited for until it has completed. */
async function completedTask(project: string): Promise<string> {
  const task = await h.request(schedulerRpc.createTask, {
    project_id: project,
    kind: 'image',
    options: { width: 32 },
    source: { url: 'https://media.example/narrow.png' },
    webhook: null,
  });
  expect((await h.waitForTask(project, task.id)).status).toBe('completed');
  return task.id;
}

/** Every event of the project, newest first, with its deliveries. */
async function events(
  project: string,
  filter: { type?: any; task_ids?: string[]; automation_id?: string } = {},
): Promise<LoggedEventWithDeliveries[]> {
  const page = await h.request(schedulerRpc.pageEvents, {
    project_id: project,
    page: 1,
    limit: 100,
    ...filter,
  });
  return page.data;
}

const deliveriesOf = async (project: string) =>
  (await events(project)).flatMap(({ event, deliveries }) =>
    deliveries.map((delivery) => ({ event, ...delivery })),
  );

/** Until every delivery of the project is final, and there is at least `count`. */
async function settled(project: string, count: number): Promise<void> {
  await until(async () => {
    const all = await deliveriesOf(project);
    return all.length >= count && all.every((d) => d.status !== 'pending');
  }, `${count} deliveries to be final`);
}

/** Whether `request` carries a signature of its body made with `secret` (docs/webhooks.md). */
function signedWith(secret: string, request: ReceivedRequest): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['mediaflow-signature']));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

describe('an endpoint saved', () => {
  it.each([
    ['a loopback address off the allow list', 'http://127.0.0.2:9/hook'],
    ['a link-local address (cloud metadata)', 'http://169.254.169.254/latest'],
    ['a private address', 'https://10.1.2.3/hook'],
  ])('refuses %s with a 400 naming url', async (_what, url) => {
    const error = await failure(
      createEndpoint(newId('prj'), { url, enabled_events: ['task.completed'] }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([
      { path: 'url', message: expect.stringContaining('MEDIAFLOW_ALLOWED_HOSTS') },
    ]);
  });

  it('takes an address MEDIAFLOW_ALLOWED_HOSTS allows, and shows the secret only once', async () => {
    const project = newId('prj');
    const made = await createEndpoint(project, { url: at('ok'), enabled_events: ['*'] });
    expect(made).toMatchObject({
      id: expect.stringMatching(/^we_[a-z0-9]{16}$/),
      object: 'webhook_endpoint',
      url: at('ok'),
      enabled_events: ['*'],
      status: 'active',
      failing: false,
      failing_since: null,
      secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
    });
    const read = await h.request(schedulerRpc.getWebhookEndpoint, {
      project_id: project,
      id: made.id,
    });
    expect(read).not.toHaveProperty('secret');
    const list = await h.request(schedulerRpc.listWebhookEndpoints, {
      project_id: project,
      query: {},
    });
    expect(list.data.map((e) => e.id)).toEqual([made.id]);
    expect(JSON.stringify(list)).not.toContain(made.secret);
    // Another project's endpoint is answered like a missing one.
    expect(
      (
        await failure(
          h.request(schedulerRpc.getWebhookEndpoint, { project_id: newId('prj'), id: made.id }),
        )
      ).code,
    ).toBe('not_found');
  });

  it('makes one endpoint per idempotency claim: a resumed request gets it, with its secret as it is now', async () => {
    const project = newId('prj');
    const request = {
      project_id: project,
      body: { url: at('claimed'), enabled_events: ['*'] },
      idempotency_key: `claim-${newId('we')}`,
    };
    const made = await h.request(schedulerRpc.createWebhookEndpoint, request);
    // The first request's answer was lost (its gateway died): the retry resumes the claim.
    expect(await h.request(schedulerRpc.createWebhookEndpoint, request)).toEqual(made);
    const rotated = await h.request(schedulerRpc.rotateWebhookEndpointSecret, {
      project_id: project,
      id: made.id,
    });
    expect((await h.request(schedulerRpc.createWebhookEndpoint, request)).secret).toBe(
      rotated.secret,
    );
    // A burst under another claim makes one more; no claim, one each.
    const burst = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.request(schedulerRpc.createWebhookEndpoint, {
          ...request,
          idempotency_key: `${request.idempotency_key}-burst`,
        }),
      ),
    );
    expect(new Set(burst.map((e) => e.id)).size).toBe(1);
    await createEndpoint(project, request.body);
    const listed = await h.request(schedulerRpc.listWebhookEndpoints, {
      project_id: project,
      query: {},
    });
    expect(listed.meta.total).toBe(3);
    // Another project's claim of the same key is its own.
    const theirs = await h.request(schedulerRpc.createWebhookEndpoint, {
      ...request,
      project_id: newId('prj'),
    });
    expect(theirs.id).not.toBe(made.id);
  });

  it('refuses event types it does not know, and "*" beside others', async () => {
    for (const enabled_events of [['task.progress'], ['*', 'task.failed'], []]) {
      const error = await failure(
        createEndpoint(newId('prj'), { url: at('types'), enabled_events }),
      );
      expect(error.code).toBe('validation_failed');
      expect(error.details?.[0]?.path).toMatch(/^enabled_events/);
    }
  });
});

describe('deliveries', () => {
  it('go to each endpoint for the types it asks for only, signed with its secret, with the event id', async () => {
    const project = newId('prj');
    const completed = await createEndpoint(project, {
      url: at('completed'),
      enabled_events: ['task.completed'],
    });
    const all = await createEndpoint(project, { url: at('all'), enabled_events: ['*'] });
    const files = await createEndpoint(project, {
      url: at('files'),
      enabled_events: ['file.created'],
    });
    const task = await completedTask(project);
    await settled(project, 4);

    const kept = await events(project);
    expect(kept.map(({ event }) => event.type).sort()).toEqual(
      ['task.completed', 'task.created', 'task.started'].sort(),
    );
    expect(requestsTo('completed').map((r) => bodyOf(r).type)).toEqual(['task.completed']);
    expect(requestsTo('all').map((r) => bodyOf(r).type)).toEqual([
      'task.created',
      'task.started',
      'task.completed',
    ]);
    expect(requestsTo('files')).toEqual([]);
    for (const [endpoint, name] of [
      [completed, 'completed'],
      [all, 'all'],
    ] as const) {
      for (const request of requestsTo(name)) {
        expect(signedWith(endpoint.secret, request)).toBe(true);
        expect(signedWith(files.secret, request)).toBe(false);
        const body = bodyOf(request);
        expect(request.headers['mediaflow-event-id']).toBe(body.id);
        expect(request.headers['mediaflow-event-type']).toBe(body.type);
        expect(Object.keys(body)).toEqual(['id', 'type', 'created_at', 'data']);
        expect(body.data.id).toBe(task);
        // The same event, with the same id, as the log keeps it.
        expect(kept.map(({ event }) => event.id)).toContain(body.id);
      }
    }
    // Files are public in a delivery: no storage key, no project.
    expect(
      requestsTo('all')
        .map((r) => r.body)
        .join(''),
    ).not.toMatch(/storage_key|prj_/);
  });

  it('are retried after a 500, each POST in their history', async () => {
    const project = newId('prj');
    await createEndpoint(project, { url: at('flaky'), enabled_events: ['task.completed'] });
    receiver.answer = (_event, earlier) => ({ status: earlier === 0 ? 500 : 204 });
    await completedTask(project);
    await settled(project, 1);

    const [delivery] = await deliveriesOf(project);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 2,
      http_status: 204,
      error: null,
      next_attempt_at: null,
    });
    expect(delivery!.attempt_history).toEqual([
      {
        attempt: 1,
        at: expect.any(Number),
        http_status: 500,
        duration_ms: expect.any(Number),
        error: 'answered 500',
      },
      {
        attempt: 2,
        at: expect.any(Number),
        http_status: 204,
        duration_ms: expect.any(Number),
        error: null,
      },
    ]);
    const bodies = requestsTo('flaky').map((r) => r.body);
    // The same event both times: the receiver deduplicates on its id.
    expect(bodies).toHaveLength(2);
    expect(bodyOf(requestsTo('flaky')[0]!).id).toBe(bodyOf(requestsTo('flaky')[1]!).id);
  });

  it('are retried after a timeout', async () => {
    const project = newId('prj');
    await createEndpoint(project, { url: at('slow'), enabled_events: ['task.completed'] });
    receiver.answer = (_event, earlier) =>
      earlier === 0 ? { status: 204, delayMs: TIMEOUT_MS * 4 } : { status: 204 };
    await completedTask(project);
    await settled(project, 1);

    const [delivery] = await deliveriesOf(project);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, http_status: 204 });
    expect(delivery!.attempt_history[0]).toMatchObject({
      http_status: null,
      error: `no answer within ${TIMEOUT_MS} ms`,
    });
    expect(delivery!.attempt_history[0]!.duration_ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('do not follow a redirect, even less to an address they may not reach', async () => {
    const project = newId('prj');
    await createEndpoint(project, { url: at('moved'), enabled_events: ['task.completed'] });
    receiver.answer = () => ({
      status: 302,
      headers: { location: `http://127.0.0.2:${forbidden.port}/hook` },
    });
    await completedTask(project);
    await until(
      async () => (await deliveriesOf(project))[0]?.attempts === 2,
      'the redirect to be tried twice',
    );
    const [delivery] = await deliveriesOf(project);
    expect(delivery).toMatchObject({
      status: 'pending',
      http_status: 302,
      error: 'answered 302',
      next_attempt_at: expect.any(Number),
    });
    expect(requestsTo('moved').length).toBeGreaterThanOrEqual(2);
    expect(forbidden.hits).toBe(0);
  });

  it('are signed with the new secret after a rotation: the old one no longer verifies', async () => {
    const project = newId('prj');
    const made = await createEndpoint(project, {
      url: at('rotated'),
      enabled_events: ['task.completed'],
    });
    await completedTask(project);
    await settled(project, 1);
    const [before] = requestsTo('rotated');
    expect(signedWith(made.secret, before!)).toBe(true);

    const rotated = await h.request(schedulerRpc.rotateWebhookEndpointSecret, {
      project_id: project,
      id: made.id,
    });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(made.secret);
    await completedTask(project);
    await settled(project, 2);
    const after = requestsTo('rotated')[1]!;
    expect(signedWith(rotated.secret, after)).toBe(true);
    expect(signedWith(made.secret, after)).toBe(false);
  });

  it('go again on redelivery: to every endpoint that wants the event, or to one', async () => {
    const project = newId('prj');
    const first = await createEndpoint(project, {
      url: at('again-1'),
      enabled_events: ['task.completed'],
    });
    const second = await createEndpoint(project, {
      url: at('again-2'),
      enabled_events: ['task.started'],
    });
    await completedTask(project);
    await settled(project, 2);
    const [completed] = await events(project, { type: 'task.completed' });

    const again = await h.request(schedulerRpc.redeliverEvent, {
      project_id: project,
      id: completed!.event.id,
    });
    expect(again.deliveries.map((d) => [d.endpoint_id, d.redelivery])).toEqual([
      [first.id, false],
      [first.id, true],
    ]);
    await settled(project, 3);
    // To one endpoint, whatever types it asks for.
    await h.request(schedulerRpc.redeliverEvent, {
      project_id: project,
      id: completed!.event.id,
      endpoint_id: second.id,
    });
    await settled(project, 4);

    const ids = (name: string) => requestsTo(name).map((r) => bodyOf(r).id);
    expect(ids('again-1')).toEqual([completed!.event.id, completed!.event.id]);
    expect(ids('again-2')).toHaveLength(2);
    expect(ids('again-2')[1]).toBe(completed!.event.id);
    expect(signedWith(second.secret, requestsTo('again-2')[1]!)).toBe(true);
    const error = await failure(
      h.request(schedulerRpc.redeliverEvent, { project_id: project, id: 'evt_0000000000000000' }),
    );
    expect(error.code).toBe('not_found');
  });

  it('mark the endpoint failing once one gives up after a day, and a later success clears it', async () => {
    const project = newId('prj');
    const endpoint = await createEndpoint(project, {
      url: at('down'),
      enabled_events: ['task.completed'],
    });
    receiver.answer = () => ({ status: 503 });
    await completedTask(project);
    await until(async () => (await deliveriesOf(project))[0]?.attempts === 1, 'a first attempt');
    // A day has passed since the delivery was made: its next failure is its last.
    await h.sql(
      `UPDATE scheduler.event_deliveries SET created_at = now() - interval '1 day', next_attempt_at = now()
       WHERE endpoint_id = $1`,
      [endpoint.id],
    );
    await settled(project, 1);
    expect((await deliveriesOf(project))[0]).toMatchObject({
      status: 'failed',
      http_status: 503,
      next_attempt_at: null,
    });
    const failing = await h.request(schedulerRpc.getWebhookEndpoint, {
      project_id: project,
      id: endpoint.id,
    });
    expect(failing).toMatchObject({ failing: true, failing_since: expect.any(Number) });

    receiver.answer = () => ({ status: 200 });
    await completedTask(project);
    await settled(project, 2);
    expect(
      await h.request(schedulerRpc.getWebhookEndpoint, { project_id: project, id: endpoint.id }),
    ).toMatchObject({ failing: false, failing_since: null });
  });

  it('do not go to a paused endpoint, and go with an endpoint deleted', async () => {
    const project = newId('prj');
    const paused = await createEndpoint(project, {
      url: at('paused'),
      enabled_events: ['*'],
      status: 'paused',
    });
    const deleted = await createEndpoint(project, { url: at('deleted'), enabled_events: ['*'] });
    receiver.answer = () => ({ status: 500 });
    await completedTask(project);
    await until(
      async () => (await deliveriesOf(project)).filter((d) => d.attempts > 0).length === 3,
      'the deleted endpoint to be tried',
    );
    expect((await deliveriesOf(project)).every((d) => d.endpoint_id === deleted.id)).toBe(true);
    await h.request(schedulerRpc.deleteWebhookEndpoint, { project_id: project, id: deleted.id });
    expect(await deliveriesOf(project)).toEqual([]);
    expect(requestsTo('paused')).toEqual([]);
    expect(
      (
        await failure(
          h.request(schedulerRpc.getWebhookEndpoint, { project_id: project, id: deleted.id }),
        )
      ).code,
    ).toBe('not_found');
    // Explicitly to the paused one: refused until it is active.
    const [event] = await events(project);
    expect(
      (
        await failure(
          h.request(schedulerRpc.redeliverEvent, {
            project_id: project,
            id: event!.event.id,
            endpoint_id: paused.id,
          }),
        )
      ).code,
    ).toBe('conflict');
  });
});

describe('the event log', () => {
  it('lists newest first, filtered by type, task and automation, with the ids the stream reads', async () => {
    const project = newId('prj');
    await createEndpoint(project, { url: at('log'), enabled_events: ['task.completed'] });
    const first = await completedTask(project);
    const second = await completedTask(project);
    await settled(project, 2);

    const all = await events(project);
    expect(all).toHaveLength(6);
    // Newest first: the second task's completion leads.
    expect(all[0]!.event).toMatchObject({ type: 'task.completed', data: { id: second } });
    const streamed = await h.request(schedulerRpc.listEvents, {
      project_id: project,
      after_cursor: '0:0',
      limit: 100,
    });
    expect(all.map(({ event }) => event.id).reverse()).toEqual(streamed.data.map((e) => e.id));

    const completions = await events(project, { type: 'task.completed' });
    expect(completions.map(({ event }) => event.data.id)).toEqual([second, first]);
    expect(
      completions.map(({ deliveries }) => deliveries.map((d: EventDelivery) => d.status)),
    ).toEqual([['delivered'], ['delivered']]);
    expect((await events(project, { task_ids: [first] })).map(({ event }) => event.type)).toEqual([
      'task.completed',
      'task.started',
      'task.created',
    ]);
    expect(await events(project, { automation_id: 'auto_0000000000000000' })).toEqual([]);
    expect(await events(newId('prj'))).toEqual([]);
  });

  it('forgets deliveries with their events, past MEDIAFLOW_EVENT_RETENTION_HOURS', async () => {
    const project = newId('prj');
    await createEndpoint(project, { url: at('forgotten'), enabled_events: ['*'] });
    await completedTask(project);
    await settled(project, 3);
    const ids = (await events(project)).map(({ event }) => event.id);
    await h.sql(
      `UPDATE scheduler.events SET recorded_at = now() - interval '1 hour' * $2 WHERE project_id = $1`,
      [project, h.config.MEDIAFLOW_EVENT_RETENTION_HOURS + 1],
    );
    // Twice: a round under way may have begun before the update.
    const reconciler = h.scheduler.app.get(Reconciler);
    await reconciler.runRound();
    await reconciler.runRound();
    expect(await events(project)).toEqual([]);
    expect(
      await h.sql(
        'SELECT count(*)::int AS n FROM scheduler.event_deliveries WHERE event_id = ANY($1)',
        [ids],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('keeps file.created with the file POST /files stored, and file.deleted, and delivers them', async () => {
    const project = newId('prj');
    const endpoint = await createEndpoint(project, {
      url: at('files-events'),
      enabled_events: ['file.created', 'file.deleted'],
    });
    const ingest = await h.request(schedulerRpc.createIngest, {
      project_id: project,
      source: { url: 'https://media.example/wide.jpg' },
      filename: 'holiday.jpg',
    });
    const done = await h.waitForTask(project, ingest.id);
    const file = done.output as { id: string };
    await h.request(schedulerRpc.deleteFile, { project_id: project, id: file.id });
    await settled(project, 2);

    const kept = await events(project, { type: 'file.created' });
    expect(kept.map(({ event }) => event.data)).toEqual([
      expect.objectContaining({ id: file.id, kind: 'image', width: 4000, task_id: ingest.id }),
    ]);
    const bodies = requestsTo('files-events').map(bodyOf);
    expect(bodies.map((b) => [b.type, b.data.id])).toEqual([
      ['file.created', file.id],
      ['file.deleted', file.id],
    ]);
    expect(bodies[0]!.data).toMatchObject({ object: 'file', kind: 'image', height: 3000 });
    expect(bodies[0]!.data).not.toHaveProperty('storage_key');
    expect(bodies[0]!.data).not.toHaveProperty('project_id');
    for (const request of requestsTo('files-events'))
      expect(signedWith(endpoint.secret, request)).toBe(true);
  });

  it('keeps an automation event the registry sends twice once, and delivers it', async () => {
    const project = newId('prj');
    await createEndpoint(project, {
      url: at('automations'),
      enabled_events: ['automation.updated'],
    });
    const automation = {
      id: newId('auto'),
      object: 'automation' as const,
      name: 'Process uploads',
      description: null,
      workflow: [{ kind: 'image' as const, options: { width: 320 } }],
      trigger: null,
      status: 'paused' as const,
      created_at: 1_800_000_000,
      updated_at: 1_800_000_060,
    };
    const event = {
      id: 'evt_aaaaaaaaaaaaaaaa',
      type: 'automation.updated' as const,
      created_at: 1_800_000_060,
      data: automation,
    };
    for (let i = 0; i < 2; i++) {
      expect(
        await h.request(schedulerRpc.recordAutomationEvents, {
          events: [{ project_id: project, event }],
        }),
      ).toEqual({ accepted: 1 });
    }
    await settled(project, 1);
    const kept = await events(project, { automation_id: automation.id });
    expect(kept.map(({ event: e }) => [e.id, e.type, e.data])).toEqual([
      [event.id, 'automation.updated', automation],
    ]);
    expect(requestsTo('automations').map((r) => JSON.parse(r.body))).toEqual([event]);
  });
});
