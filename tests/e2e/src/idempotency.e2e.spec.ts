import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { client, Fixtures, FixtureServer, System, waitForTask } from '@mediaflow/testing';

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
