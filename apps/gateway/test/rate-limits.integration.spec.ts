import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { parseConfig } from '@mediaflow/config';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { DataSource } from 'typeorm';
import { startGateway, type RunningGateway } from '../src/bootstrap';
import { gatewayConfigSchema } from '../src/config';
import { PROJECT_LIMITS_FRESH_MS } from '../src/projects/project-limits-cache';
import { RateLimitStore } from '../src/rate-limits/rate-limit-store';
import { freePort } from './http-client';

// Two gateways on the real PostgreSQL (and NATS), with small limits so that
// each case takes a handful of requests: a project's default quota is
// 50 rps × 5 s = 250 requests, a failed-authentication window 10 s (long
// enough that 30 requests in a row fit in it on a loaded CI machine).
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;
const WINDOW_S = 5;
const DEFAULT_RPS = 50;
const AUTH_FAILURE_LIMIT = 30;
const AUTH_FAILURE_WINDOW_S = 10;
/** Another loopback address: its failed authentications must not refuse 127.0.0.1's requests. */
const GUESSER = '127.0.0.2';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

interface CallOptions {
  key?: string;
  json?: unknown;
  via?: RunningGateway;
  /** The client's address (a loopback one): what the gateway counts failures against. */
  from?: string;
  /** X-Forwarded-For, which only a gateway trusting the proxy reads. */
  forwardedFor?: string;
}

describe('rate limits (real PostgreSQL and NATS, two gateways)', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let second: RunningGateway;

  /** node:http rather than fetch, to choose the address a request comes from. */
  function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const url = new URL(path, (options.via ?? gateway).url);
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        { method, headers, localAddress: options.from ?? '127.0.0.1' },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const admin = (method: string, path: string, options: CallOptions = {}) =>
    call(method, path, { ...options, key: ADMIN_KEY });

  /** A new project, with the secret of its first key. */
  async function newProject(name: string): Promise<{ id: string; key: string }> {
    const created = await admin('POST', '/projects', { json: { name } });
    expect(created.status).toBe(201);
    return { id: created.body.project.id, key: created.body.api_key.secret };
  }

  async function setLimit(projectId: string, rps: number | null): Promise<Answer> {
    const answer = await admin('PATCH', `/projects/${projectId}`, {
      json: { limits: { requests_per_second: rps } },
    });
    expect(answer.status).toBe(200);
    return answer;
  }

  const rateLimitHeaders = (answer: Answer) => ({
    limit: answer.headers['ratelimit-limit'],
    remaining: answer.headers['ratelimit-remaining'],
    reset: answer.headers['ratelimit-reset'],
    policy: answer.headers['ratelimit-policy'],
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const prefix = `gw${randomBytes(5).toString('hex')}`;
    const configFor = async () =>
      parseConfig(gatewayConfigSchema, {
        DATABASE_URL: db.url,
        NATS_URL,
        NATS_SUBJECT_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        MEDIAFLOW_API_KEY: ADMIN_KEY,
        MEDIAFLOW_RATE_LIMIT_RPS: String(DEFAULT_RPS),
        MEDIAFLOW_RATE_LIMIT_WINDOW_S: String(WINDOW_S),
        MEDIAFLOW_AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT),
        MEDIAFLOW_AUTH_FAILURE_WINDOW_S: String(AUTH_FAILURE_WINDOW_S),
      });
    [gateway, second] = await Promise.all([
      startGateway(await configFor(), { shutdownHooks: false }),
      startGateway(await configFor(), { shutdownHooks: false }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([gateway?.close(), second?.close()]);
    await db?.drop();
  });

  describe('per project', () => {
    it('tells every authenticated answer where its project stands, and counts nothing public', async () => {
      const project = await newProject('headers');
      const first = await call('GET', '/api-keys', { key: project.key });
      expect(first.status).toBe(200);
      expect(rateLimitHeaders(first)).toEqual({
        limit: String(DEFAULT_RPS * WINDOW_S),
        remaining: String(DEFAULT_RPS * WINDOW_S - 1),
        reset: expect.stringMatching(/^[1-5]$/),
        policy: `${DEFAULT_RPS * WINDOW_S};w=${WINDOW_S}`,
      });
      // An error answer of an authenticated request carries them too.
      const missing = await call('DELETE', '/api-keys/key_0000000000000000', { key: project.key });
      expect(missing.status).toBe(404);
      expect(missing.headers['ratelimit-remaining']).toBe(String(DEFAULT_RPS * WINDOW_S - 2));

      for (const path of ['/health', '/ready', '/metrics', '/openapi.json']) {
        const answer = await call('GET', path, { key: project.key });
        expect([path, answer.status, answer.headers['ratelimit-limit']]).toEqual([
          path,
          200,
          undefined,
        ]);
      }
      const after = await call('GET', '/webhook-secret', { key: project.key });
      expect(after.headers['ratelimit-remaining']).toBe(String(DEFAULT_RPS * WINDOW_S - 3));
    });

    it('answers 429 past the quota, with Retry-After and the RateLimit headers; other projects go on', async () => {
      const limited = await newProject('limited');
      const other = await newProject('other');
      await setLimit(limited.id, 1); // 1 rps × 5 s: five requests per window

      const statuses: number[] = [];
      for (let i = 0; i < WINDOW_S; i++)
        statuses.push((await call('GET', '/api-keys', { key: limited.key })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);

      const refused = await call('GET', '/api-keys', { key: limited.key });
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({
        error: {
          code: 'rate_limited',
          message: expect.stringMatching(/^The project is over its limit of 5 requests per 5 s/),
        },
      });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
      expect(rateLimitHeaders(refused)).toEqual({
        limit: '5',
        remaining: '0',
        reset: String(retryAfter),
        policy: '5;w=5',
      });
      // Every route of the project, on every replica: they count into one window.
      expect((await call('GET', '/webhook-secret', { key: limited.key, via: second })).status).toBe(
        429,
      );

      const theirs = await call('GET', '/api-keys', { key: other.key });
      expect(theirs.status).toBe(200);
      expect(theirs.headers['ratelimit-remaining']).toBe(String(DEFAULT_RPS * WINDOW_S - 1));
    });

    it('counts a project on all replicas into one window', async () => {
      const project = await newProject('replicated');
      await setLimit(project.id, 1);
      const statuses: number[] = [];
      for (let i = 0; i < WINDOW_S + 1; i++) {
        const via = i % 2 === 0 ? gateway : second;
        statuses.push((await call('GET', '/api-keys', { key: project.key, via })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('applies a PATCHed limit from the next request, and null goes back to the default', async () => {
      const project = await newProject('patched');
      await setLimit(project.id, 1);
      for (let i = 0; i < WINDOW_S; i++) await call('GET', '/api-keys', { key: project.key });
      expect((await call('GET', '/api-keys', { key: project.key })).status).toBe(429);

      // Raised within the window: what it has counted stays, the new quota applies.
      const raised = await setLimit(project.id, 2);
      expect(raised.body.limits).toEqual({ requests_per_second: 2, runs_in_flight: null });
      const after = await call('GET', '/api-keys', { key: project.key });
      expect(after.status).toBe(200);
      expect(rateLimitHeaders(after)).toMatchObject({ limit: '10', policy: '10;w=5' });

      const reset = await setLimit(project.id, null);
      expect(reset.body).toEqual({
        id: project.id,
        object: 'project',
        name: 'patched',
        created_at: expect.any(Number),
        limits: { requests_per_second: null, runs_in_flight: null },
      });
      const byDefault = await call('GET', '/api-keys', { key: project.key });
      expect(byDefault.headers['ratelimit-policy']).toBe(`${DEFAULT_RPS * WINDOW_S};w=${WINDOW_S}`);
    });
  });

  describe('a limit PATCHed on one replica', () => {
    it(`applies on the others within ${PROJECT_LIMITS_FRESH_MS / 1000} s`, async () => {
      const project = await newProject('spread');
      // The other replica has read the project's limits (none: the default) and keeps them a while.
      const before = await call('GET', '/api-keys', { key: project.key, via: second });
      expect(before.headers['ratelimit-policy']).toBe(`${DEFAULT_RPS * WINDOW_S};w=${WINDOW_S}`);
      await setLimit(project.id, 1);
      const changedAt = Date.now();
      let policy = before.headers['ratelimit-policy'];
      while (policy !== '5;w=5' && Date.now() - changedAt < PROJECT_LIMITS_FRESH_MS + 2_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        policy = (await call('GET', '/api-keys', { key: project.key, via: second })).headers[
          'ratelimit-policy'
        ];
      }
      expect(policy).toBe('5;w=5');
      expect(Date.now() - changedAt).toBeLessThan(PROJECT_LIMITS_FRESH_MS + 1_000);
    }, 15_000);
  });

  describe('GET and PATCH /projects/:id', () => {
    it('shows a project with its limits: any to an admin key, its own to another key', async () => {
      const project = await newProject('shown');
      const other = await newProject('hidden');
      await setLimit(project.id, 7);
      const expected = {
        id: project.id,
        object: 'project',
        name: 'shown',
        created_at: expect.any(Number),
        limits: { requests_per_second: 7, runs_in_flight: null },
      };
      expect((await admin('GET', `/projects/${project.id}`)).body).toEqual(expected);
      const own = await call('GET', `/projects/${project.id}`, { key: project.key });
      expect([own.status, own.body]).toEqual([200, expected]);
      const others = await call('GET', `/projects/${other.id}`, { key: project.key });
      expect([others.status, others.body.error.code]).toEqual([404, 'not_found']);
      expect((await admin('GET', '/projects/prj_0000000000000000')).status).toBe(404);
    });

    it('refuses a non-admin key with 403, even on its own project', async () => {
      const project = await newProject('tenant');
      const answer = await call('PATCH', `/projects/${project.id}`, {
        key: project.key,
        json: { limits: { requests_per_second: 10_000 } },
      });
      expect([answer.status, answer.body.error.code]).toEqual([403, 'forbidden']);
      expect((await admin('GET', `/projects/${project.id}`)).body.limits).toEqual({
        requests_per_second: null,
        runs_in_flight: null,
      });
    });

    it.each([
      [{ limits: { requests_per_second: 0 } }, 'limits.requests_per_second'],
      [{ limits: { requests_per_second: 2.5 } }, 'limits.requests_per_second'],
      [{ limits: { requests_per_second: 10_001 } }, 'limits.requests_per_second'],
      [{ limits: { runs_in_flight: 0 } }, 'limits.runs_in_flight'],
      [{ limits: { tasks_per_day: 4 } }, 'limits.tasks_per_day'],
      [{}, 'limits'],
    ])('answers 400 to %j, naming %s', async (json, path) => {
      const project = await newProject('validated');
      const answer = await admin('PATCH', `/projects/${project.id}`, { json });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'validation_failed',
        message: 'The request body is invalid',
        details: [{ path, message: expect.any(String) }],
      });
    });

    it('answers 404 for a project that does not exist', async () => {
      const answer = await admin('PATCH', '/projects/prj_0000000000000000', {
        json: { limits: { requests_per_second: 3 } },
      });
      expect([answer.status, answer.body.error.code]).toEqual([404, 'not_found']);
    });
  });

  describe('when PostgreSQL cannot count', () => {
    it('counts in memory instead, and the request is answered', async () => {
      const project = await newProject('insured');
      const counted = await call('GET', '/api-keys', { key: project.key });
      expect(counted.headers['ratelimit-remaining']).toBe(String(DEFAULT_RPS * WINDOW_S - 1));
      const database = gateway.app.get(DataSource);
      await database.query('ALTER TABLE "gateway"."rate_limits" RENAME TO "rate_limits_away"');
      try {
        const answer = await call('GET', '/api-keys', { key: project.key });
        expect(answer.status).toBe(200);
        // The memory of this replica has seen one request of the project: this one.
        expect(answer.headers['ratelimit-remaining']).toBe(String(DEFAULT_RPS * WINDOW_S - 1));
      } finally {
        await database.query('ALTER TABLE "gateway"."rate_limits_away" RENAME TO "rate_limits"');
      }
      const back = await call('GET', '/api-keys', { key: project.key });
      expect(back.headers['ratelimit-remaining']).toBe(String(DEFAULT_RPS * WINDOW_S - 2));
    });
  });

  describe('failed authentications by address', () => {
    it(`refuses an address after ${AUTH_FAILURE_LIMIT} 401s, before its key is read, until the window ends`, async () => {
      const project = await newProject('guessed');
      const guesses: number[] = [];
      for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
        const key = `mf_${randomBytes(20).toString('hex')}`;
        // Split over both replicas: they count into one window.
        const via = i % 2 === 0 ? gateway : second;
        guesses.push((await call('GET', '/api-keys', { key, via, from: GUESSER })).status);
      }
      expect(guesses).toEqual(Array.from({ length: AUTH_FAILURE_LIMIT }, () => 401));
      const refusedAt = Date.now();

      // The next guess, no key at all, and even a valid key: 429, on either replica.
      const guess = await call('GET', '/api-keys', { key: `mf_${'x'.repeat(40)}`, from: GUESSER });
      expect(guess.status).toBe(429);
      expect(guess.body).toEqual({
        error: {
          code: 'rate_limited',
          message: expect.stringMatching(/^Too many failed authentications from this address/),
        },
      });
      const retryAfter = Number(guess.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_WINDOW_S);
      expect(guess.headers['ratelimit-limit']).toBeUndefined();
      expect((await call('GET', '/api-keys', { from: GUESSER })).status).toBe(429);
      for (const via of [gateway, second]) {
        const valid = await call('GET', '/api-keys', { key: project.key, via, from: GUESSER });
        expect(valid.status).toBe(429);
      }
      // A signed download with a key is refused too; the probes are not.
      const download = await call('GET', '/files/file_0000000000000000/content', {
        key: project.key,
        from: GUESSER,
      });
      expect(download.status).toBe(429);
      expect((await call('GET', '/health', { from: GUESSER })).status).toBe(200);
      expect((await call('GET', '/ready', { from: GUESSER })).status).toBe(200);
      // Another address is not refused.
      expect((await call('GET', '/api-keys', { key: project.key })).status).toBe(200);

      // Refused requests are not failures: the window ends, and the address is let in again.
      let status = 429;
      while (status === 429 && Date.now() - refusedAt < (AUTH_FAILURE_WINDOW_S + 2) * 1000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await call('GET', '/api-keys', { key: project.key, from: GUESSER })).status;
      }
      expect(status).toBe(200);
      // Its next failure is a 401 again: the first of a new window.
      expect((await call('GET', '/api-keys', { key: 'mf_wrong', from: GUESSER })).status).toBe(401);
    }, 60_000);
  });

  describe('behind a proxy (MEDIAFLOW_TRUST_PROXY)', () => {
    let proxied: RunningGateway;
    beforeAll(async () => {
      proxied = await startGateway(
        parseConfig(gatewayConfigSchema, {
          DATABASE_URL: db.url,
          NATS_URL,
          NATS_SUBJECT_PREFIX: `gw${randomBytes(5).toString('hex')}`,
          HOST: '127.0.0.1',
          PORT: String(await freePort()),
          LOG_LEVEL: 'silent',
          MEDIAFLOW_API_KEY: ADMIN_KEY,
          MEDIAFLOW_AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT),
          MEDIAFLOW_AUTH_FAILURE_WINDOW_S: String(AUTH_FAILURE_WINDOW_S),
          MEDIAFLOW_TRUST_PROXY: '127.0.0.1',
        }),
        { shutdownHooks: false },
      );
    });
    afterAll(() => proxied?.close());

    it('counts failures against the client the trusted proxy names, not the proxy', async () => {
      const project = await newProject('proxied');
      for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
        const guess = await call('GET', '/api-keys', {
          key: `mf_${randomBytes(20).toString('hex')}`,
          via: proxied,
          forwardedFor: '203.0.113.9',
        });
        expect(guess.status).toBe(401);
      }
      const refused = await call('GET', '/api-keys', {
        key: project.key,
        via: proxied,
        forwardedFor: '203.0.113.9',
      });
      expect(refused.status).toBe(429);
      // Another client behind the same proxy is let in.
      const other = await call('GET', '/api-keys', {
        key: project.key,
        via: proxied,
        forwardedFor: '203.0.113.10',
      });
      expect(other.status).toBe(200);
    }, 30_000);
  });

  describe('the sweep', () => {
    it('deletes the rows of ended windows, and only those', async () => {
      const database = gateway.app.get(DataSource);
      const count = async () =>
        (await database.query('SELECT count(*)::int AS n FROM "gateway"."rate_limits"'))[0].n;
      const rows = await count();
      expect(rows).toBeGreaterThan(0);
      const store = gateway.app.get(RateLimitStore);
      // Nothing has ended a day ago; everything has a day from now.
      expect(await store.sweep(Date.now() - 86_400_000)).toBe(0);
      expect(await store.sweep(Date.now() + 86_400_000)).toBe(rows);
      expect(await count()).toBe(0);
    });
  });
});
