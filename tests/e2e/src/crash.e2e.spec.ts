import {
  ALL_APPS,
  client,
  Fixtures,
  FixtureServer,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';

// Processes die; runs do not. A short ack wait makes JetStream redeliver
// quickly what a killed worker held.

describe('crashes', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    await fixtures.jpeg('big.jpg', 4000, 3000);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, {
      MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
      MEDIAFLOW_TASK_ACK_WAIT_MS: '3000',
      MEDIAFLOW_WORKER_CONCURRENCY: '1',
    });
    api = client(system.baseUrl, system.adminKey);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  /** AVIF of a noisy picture takes the encoder seconds: long enough to kill a worker in the middle. */
  const SLOW_STEPS = [
    { kind: 'image', options: { width: 800, format: 'avif', quality: 80 }, ref: 'a' },
    { kind: 'image', options: { width: 780, format: 'avif', quality: 80 }, ref: 'b' },
  ];

  it('finishes what a killed image worker held, with exactly one output per step', async () => {
    const created = await api('POST', '/tasks', {
      body: { kind: 'workflow', url: files.url('big.jpg'), workflow: SLOW_STEPS },
    });
    expect(created.status).toBe(201);
    // Wait until a step is in the worker's hands, then kill it without a chance to clean up.
    await waitForTask(api, created.body.id, (task) =>
      stepsOf(task).some((s) => s.status === 'processing'),
    );
    await system.app('worker-image').stop('SIGKILL');
    await system.startApp('worker-image');

    const done = await waitForTask(api, created.body.id);
    expect(done.status).toBe('completed');
    const steps = stepsOf(done);
    expect(steps.map((s) => s.status)).toEqual(['completed', 'completed']);
    expect(steps.some((s) => s.attempts >= 1)).toBe(true);
    const outputs = await api('GET', '/files?kind=image&limit=100');
    const made = outputs.body.data.filter((f: { task_id: string }) =>
      steps.some((s) => s.id === f.task_id),
    );
    expect(made).toHaveLength(2);
  });

  it('completes a run across a scheduler restart', async () => {
    const created = await api('POST', '/tasks', {
      body: {
        kind: 'workflow',
        url: files.url('big.jpg'),
        workflow: [
          {
            kind: 'image',
            options: { width: 800 },
            next: [{ kind: 'image', options: { width: 400 } }],
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    await system.app('scheduler').stop('SIGTERM');
    await system.startApp('scheduler');
    const done = await waitForTask(api, created.body.id);
    expect(done.status).toBe('completed');
    expect(stepsOf(done).map((s) => s.status)).toEqual(['completed', 'completed']);
  });
});
