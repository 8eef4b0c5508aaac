import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  client,
  Fixtures,
  FixtureServer,
  System,
  waitForTask,
  WebhookReceiver,
} from '@mediaflow/testing';

// A retried request after a crash answers the run the first one made, at
// once. What a gateway killed mid-request leaves behind is set up in the
// database as it would be: the key reserved and unanswered, the run made
// (or not yet) by the scheduler under the key's claim.

describe('Idempotency-Key across a crash', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  let db: Client;

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 320, 240);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(
      ['automation-registry', 'scheduler', 'worker-video', 'worker-image', 'gateway'],
      { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' },
    );
    api = client(system.baseUrl, system.adminKey);
    db = new Client({ connectionString: system.env.DATABASE_URL });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  const newKey = () => `crash-${randomBytes(6).toString('hex')}`;
  const submit = (key: string) =>
    api('POST', '/tasks', {
      body: { kind: 'image', url: files.url('photo.jpg'), options: { width: 32 } },
      headers: { 'idempotency-key': key },
    });

  /** How many runs the scheduler made under a key's claim. */
  async function runsOf(key: string): Promise<number> {
    const { rows } = await db.query<{ runs: number }>(
      `SELECT count(*)::int AS runs FROM scheduler.tasks t
         JOIN gateway.idempotency_keys k ON k.claim_id = t.idempotency_key AND k.project_id = t.project_id
        WHERE k.key = $1`,
      [key],
    );
    return rows[0]!.runs;
  }

  /** The key as a gateway killed before answering leaves it: reserved, unanswered, `ageMs` old. */
  async function unanswer(key: string, ageMs = 0): Promise<void> {
    await db.query(
      `UPDATE gateway.idempotency_keys
          SET status = NULL, response = NULL, response_headers = NULL,
              created_at = now() - make_interval(secs => $2)
        WHERE key = $1`,
      [key, ageMs / 1000],
    );
  }

  it('answers the run already made, at once, when the gateway died after the scheduler made it', async () => {
    const key = newKey();
    const first = await submit(key);
    expect(first.status).toBe(201);
    await unanswer(key);

    const retry = await submit(key);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await runsOf(key)).toBe(1);
    // Answered now: a further retry replays it.
    const replay = await submit(key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    expect((await waitForTask(api, first.body.id)).status).toBe('completed');
  });

  it('does so however long ago the gateway died (no "still in progress", no second run)', async () => {
    const key = newKey();
    const first = await submit(key);
    await unanswer(key, 60 * 60_000);
    const retry = await submit(key);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await runsOf(key)).toBe(1);
  });

  it('makes the run when the first request died before the scheduler made it', async () => {
    const key = newKey();
    const first = await submit(key);
    // Reserved under a claim no run was made with yet.
    await db.query(
      `UPDATE gateway.idempotency_keys SET claim_id = $2, status = NULL, response = NULL WHERE key = $1`,
      [key, `never-made-${key}`],
    );
    const retry = await submit(key);
    expect(retry.status).toBe(201);
    expect(retry.body.id).not.toBe(first.body.id);
    expect(await runsOf(key)).toBe(1);
  });

  it('makes one run for a burst of the same request with one key', async () => {
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit(key)));
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await runsOf(key)).toBe(1);
  });

  it('still refuses the key for another request while the first is unanswered', async () => {
    const key = newKey();
    await submit(key);
    await unanswer(key);
    const other = await api('POST', '/tasks', {
      body: { kind: 'image', url: files.url('photo.jpg'), options: { width: 48 } },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/different request/);
  });
});

// Every other create, over HTTP, with the same kinds of cut: the answer
// lost after the object was made (the reservation left unanswered), and
// the first request dead before anything was made.
describe('Idempotency-Key on every create', () => {
  const receiver = new WebhookReceiver();
  let system: System;
  let api: ReturnType<typeof client>;
  let db: Client;

  beforeAll(async () => {
    await receiver.start();
    system = await System.start(['automation-registry', 'scheduler', 'gateway'], {
      MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
    });
    api = client(system.baseUrl, system.adminKey);
    db = new Client({ connectionString: system.env.DATABASE_URL });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await system?.stop();
    await receiver.stop();
  });

  const newKey = () => `create-${randomBytes(6).toString('hex')}`;
  const post = (path: string, key: string, body?: unknown) =>
    api('POST', path, {
      ...(body === undefined ? {} : { body }),
      headers: { 'idempotency-key': key },
    });

  async function count(query: string, params: unknown[]): Promise<number> {
    const { rows } = await db.query<{ n: number }>(query, params);
    return rows[0]!.n;
  }

  /** The key as a gateway killed before answering leaves it: reserved, unanswered. */
  const unanswer = (key: string) =>
    db.query(
      `UPDATE gateway.idempotency_keys SET status = NULL, response = NULL, response_headers = NULL
        WHERE key = $1`,
      [key],
    );
  /** The key as a request that died before the owner made anything leaves it: a claim nothing has. */
  const neverMade = (key: string) =>
    db.query(
      `UPDATE gateway.idempotency_keys
          SET claim_id = gen_random_uuid()::text, status = NULL, response = NULL, response_headers = NULL
        WHERE key = $1`,
      [key],
    );

  /**
   * Same key twice: one object and the same answer; the answer lost: the
   * retry resumes the claim and gets the same object; nothing made under
   * the claim yet: the retry makes it, once.
   */
  async function createsOnce(
    path: string,
    body: unknown,
    madeUnder: (key: string) => Promise<number>,
  ): Promise<void> {
    const key = newKey();
    const first = await post(path, key, body);
    expect(first.status).toBe(201);
    const again = await post(path, key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await madeUnder(key)).toBe(1);

    await unanswer(key);
    const resumed = await post(path, key, body);
    expect(resumed.status).toBe(201);
    expect(resumed.headers.get('idempotent-replayed')).toBeNull();
    expect(resumed.body).toEqual(first.body);
    expect(await madeUnder(key)).toBe(1);

    await neverMade(key);
    const made = await post(path, key, body);
    expect(made.status).toBe(201);
    expect(made.body.id).not.toBe(first.body.id);
    expect(await madeUnder(key)).toBe(1);
  }

  it('POST /automations: one automation, the same after a lost answer', async () => {
    await createsOnce('/automations', { name: 'Once', workflow: [{ kind: 'summary' }] }, (key) =>
      count(
        `SELECT count(*)::int AS n FROM registry.automations a
             JOIN gateway.idempotency_keys k ON k.claim_id = a.idempotency_key AND k.project_id = a.project_id
            WHERE k.key = $1`,
        [key],
      ),
    );
  });

  it('POST /webhooks/endpoints: one endpoint, its secret answered again after a lost answer', async () => {
    await createsOnce(
      '/webhooks/endpoints',
      { url: receiver.url, enabled_events: ['task.completed'], status: 'paused' },
      (key) =>
        count(
          `SELECT count(*)::int AS n FROM scheduler.webhook_endpoints e
             JOIN gateway.idempotency_keys k ON k.claim_id = e.idempotency_key AND k.project_id = e.project_id
            WHERE k.key = $1`,
          [key],
        ),
    );
  });

  it('POST /api-keys and POST /projects: one object, replayed with its secret, made once after a crash', async () => {
    for (const [path, body, table, idOf] of [
      ['/api-keys', { name: 'once' }, 'gateway.api_keys', (b: any) => b.id],
      ['/projects', { name: 'Once' }, 'gateway.projects', (b: any) => b.project.id],
    ] as const) {
      const key = newKey();
      const first = await post(path, key, body);
      const again = await post(path, key, body);
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const made = () =>
        count(`SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [idOf(first.body)]);
      expect(await made()).toBe(1);
      // Its answer commits with it: a gateway killed before the commit leaves neither.
      await db.query(`DELETE FROM ${table} WHERE id = $1`, [idOf(first.body)]);
      await unanswer(key);
      const retried = await post(path, key, body);
      expect(retried.status).toBe(201);
      expect(idOf(retried.body)).not.toBe(idOf(first.body));
      expect((await post(path, key, body)).body).toEqual(retried.body);
    }
  });

  it('POST /webhooks/endpoints/:id/rotate: a repeat answers the first rotation, and rotates nothing', async () => {
    const endpoint = await api('POST', '/webhooks/endpoints', {
      body: { url: receiver.url, enabled_events: ['task.completed'], status: 'paused' },
    });
    const key = newKey();
    const path = `/webhooks/endpoints/${endpoint.body.id}/rotate`;
    const first = await post(path, key);
    const again = await post(path, key);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.secret).toBe(first.body.secret);
    expect(first.body.secret).not.toBe(endpoint.body.secret);
    const { rows } = await db.query<{ secret: string }>(
      'SELECT secret FROM scheduler.webhook_endpoints WHERE id = $1',
      [endpoint.body.id],
    );
    expect(rows[0]!.secret).toBe(first.body.secret);
  });

  it('POST /events/:id/redeliver: a repeat makes no second delivery', async () => {
    const endpoint = await api('POST', '/webhooks/endpoints', {
      body: { url: receiver.url, enabled_events: ['automation.created'] },
    });
    const automation = await api('POST', '/automations', {
      body: { name: 'Redelivered', workflow: [{ kind: 'summary' }] },
    });
    let eventId: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!eventId && Date.now() < deadline) {
      const listed = await api(
        'GET',
        `/events?type=automation.created&automation_id=${automation.body.id}`,
      );
      eventId = listed.body.data?.[0]?.id;
      if (!eventId) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(eventId).toBeDefined();
    const key = newKey();
    const body = { endpoint_id: endpoint.body.id };
    const first = await post(`/events/${eventId}/redeliver`, key, body);
    const again = await post(`/events/${eventId}/redeliver`, key, body);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(
      await count(
        'SELECT count(*)::int AS n FROM scheduler.event_deliveries WHERE event_id = $1 AND redelivery',
        [eventId],
      ),
    ).toBe(1);
  });
});
