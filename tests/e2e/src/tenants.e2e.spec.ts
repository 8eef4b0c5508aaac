import {
  ALL_APPS,
  client,
  Fixtures,
  FixtureServer,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';

// Tenants sharing one Mediaflow: a project's backlog does not hold up
// another's single task, and a project's own limit of runs in flight is kept.
// Two slots per kind, so that a backlog is a queue.

type Api = ReturnType<typeof client>;

describe('tenants', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let admin: Api;

  beforeAll(async () => {
    await fixtures.jpeg('small.jpg', 96, 64);
    await fixtures.jpeg('big.jpg', 4000, 3000);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, {
      MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
      MEDIAFLOW_WORKER_CONCURRENCY: '2',
    });
    admin = client(system.baseUrl, system.adminKey);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  async function newProject(name: string): Promise<{ id: string; api: Api }> {
    const made = await admin('POST', '/projects', { body: { name } });
    expect(made.status).toBe(201);
    return { id: made.body.project.id, api: client(system.baseUrl, made.body.api_key.secret) };
  }

  /** The project's copy of a fixture, stored, for runs that need no ingest of their own. */
  async function stored(api: Api, name: string): Promise<string> {
    const made = await api('POST', '/files', { body: { url: files.url(name) } });
    expect(made.status).toBe(201);
    expect(made.body.object).toBe('file');
    return made.body.id as string;
  }

  it("runs one project's single task while another's backlog of three-step runs waits", async () => {
    const busy = await newProject('Backlog');
    const quiet = await newProject('One task');
    const [busyFile, quietFile] = await Promise.all([
      stored(busy.api, 'small.jpg'),
      stored(quiet.api, 'small.jpg'),
    ]);
    const STEPS = [
      { kind: 'image', options: { width: 48 }, ref: 'a' },
      { kind: 'image', options: { width: 40, format: 'png' }, ref: 'b' },
      { kind: 'image', options: { width: 32, format: 'webp' }, ref: 'c' },
    ];
    const RUNS = 60;
    const backlog = await Promise.all(
      Array.from({ length: RUNS }, () =>
        busy.api('POST', '/tasks', {
          body: { kind: 'workflow', file_id: busyFile, workflow: STEPS },
        }),
      ),
    );
    expect(backlog.map((res) => res.status)).toEqual(Array(RUNS).fill(201));

    const single = await quiet.api('POST', '/tasks', {
      body: { kind: 'image', file_id: quietFile, options: { width: 24 } },
    });
    expect(single.status).toBe(201);
    const done = await waitForTask(quiet.api, single.body.id);
    expect(done.status).toBe('completed');

    const runs = await Promise.all(
      backlog.map((res) => waitForTask(busy.api, res.body.id as string)),
    );
    expect(runs.every((run) => run.status === 'completed')).toBe(true);
    const steps = runs.flatMap((run) => stepsOf(run));
    expect(steps).toHaveLength(RUNS * STEPS.length);
    // Of the backlog's steps, those that started while the single task waited: about one queue
    // (at least MEDIAFLOW_DISPATCH_QUEUE_MIN, 4) and the two slots' worth, not the backlog.
    const overtook = steps.filter(
      (step) => step.started_at > single.body.created_at && step.started_at < done.started_at,
    );
    expect(overtook.length).toBeLessThanOrEqual(8);
    const after = steps.filter((step) => step.started_at > done.started_at);
    expect(after.length).toBeGreaterThan(steps.length / 3);
  }, 180_000);

  it("keeps a project's own limit of runs in flight: 429 with Retry-After past it", async () => {
    const limited = await newProject('Limited');
    const patched = await admin('PATCH', `/projects/${limited.id}`, {
      body: { limits: { runs_in_flight: 1 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.limits).toEqual({ requests_per_second: null, runs_in_flight: 1 });

    // AVIF of a noisy 4000 × 3000 picture: seconds of work, so the run is in flight for a while.
    const slow = await limited.api('POST', '/tasks', {
      body: {
        kind: 'image',
        url: files.url('big.jpg'),
        options: { width: 1600, format: 'avif', quality: 80 },
      },
    });
    expect(slow.status).toBe(201);
    const refused = await limited.api('POST', '/tasks', {
      body: { kind: 'image', url: files.url('small.jpg'), options: { width: 16 } },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.message).toContain('runs_in_flight is 1');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The request itself was counted against the rate limit, and says so.
    expect(refused.headers.get('ratelimit-limit')).not.toBeNull();

    expect((await waitForTask(limited.api, slow.body.id)).status).toBe('completed');
    const next = await limited.api('POST', '/tasks', {
      body: { kind: 'image', url: files.url('small.jpg'), options: { width: 16 } },
    });
    expect(next.status).toBe(201);
    expect((await waitForTask(limited.api, next.body.id)).status).toBe('completed');
  }, 180_000);
});
