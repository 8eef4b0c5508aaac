import {
  client,
  Fixtures,
  FixtureServer,
  openEventStream,
  stepsOf,
  System,
  waitForTask,
  type StreamedEvent,
} from '@mediaflow/testing';

// The project's event stream, and resuming streams with Last-Event-ID,
// every app it needs a separate process on the real NATS and PostgreSQL.

const KEPT = ['task.created', 'task.started', 'task.completed'];

describe('event streams', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 1600, 1200);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(
      ['automation-registry', 'scheduler', 'worker-video', 'worker-image', 'gateway'],
      { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' },
    );
    api = client(system.baseUrl, system.adminKey);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  const TWO_STEPS = [
    {
      kind: 'image',
      options: { width: 64 },
      ref: 'small',
      next: [{ kind: 'image', ref: 'after' }],
    },
  ];

  async function automation(workflow: unknown[] = TWO_STEPS): Promise<string> {
    const res = await api('POST', '/automations', { body: { name: 'events', workflow } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function run(automationId: string): Promise<any> {
    const res = await api('POST', `/automations/${automationId}/run`, {
      body: { url: files.url('photo.jpg') },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  const url = (path: string) => `${system.baseUrl}${path}`;

  /**
   * Opens a stream and resolves once it is open; `events` fills as they
   * come, and `closed` resolves once `done` holds for them (the stream is
   * then cut) or after 30 s.
   */
  async function open(
    path: string,
    done: (events: StreamedEvent[]) => boolean,
    lastEventId?: string,
  ): Promise<{ events: StreamedEvent[]; closed: Promise<StreamedEvent[]> }> {
    const cut = new AbortController();
    const events: StreamedEvent[] = [];
    const timeout = setTimeout(() => cut.abort(), 30_000);
    try {
      const { reading } = await openEventStream(url(path), system.adminKey, {
        lastEventId,
        signal: cut.signal,
        onEvent: (event) => {
          events.push(event);
          if (done(events)) cut.abort();
        },
      });
      return { events, closed: reading.finally(() => clearTimeout(timeout)) };
    } catch (error) {
      clearTimeout(timeout);
      throw error;
    }
  }

  /** Events of tasks: an automation's own (`automation.*`) may come on its stream too. */
  const ofTasks = (events: StreamedEvent[]) =>
    events.filter((e) => (e.data.type as string).startsWith('task.'));

  /** Each task's kept event types, in the order they came. */
  function keptByTask(events: StreamedEvent[]): Map<string, string[]> {
    const byTask = new Map<string, string[]>();
    for (const { data } of ofTasks(events)) {
      if (data.type === 'task.progress') continue;
      byTask.set(data.data.id, [...(byTask.get(data.data.id) ?? []), data.type]);
    }
    return byTask;
  }

  const ended = (runId: () => string | undefined) => (events: StreamedEvent[]) =>
    events.some((e) => e.data.data.id === runId() && e.data.type === 'task.completed');

  const treeIds = (task: any): string[] => [task.id, ...stepsOf(task).map((step: any) => step.id)];

  it("streams an automation's runs: each task created, started and completed, in order, once", async () => {
    const id = await automation();
    const other = await automation([{ kind: 'image', options: { width: 32 } }]);
    // Known once the run is made, after the stream has opened.
    const followed: { runId?: string } = {};
    const stream = await open(
      `/events/stream?automation_id=${id}`,
      ended(() => followed.runId),
    );
    await run(other);
    const made = await run(id);
    followed.runId = made.id;
    const events = ofTasks(await stream.closed);

    const done = await waitForTask(api, made.id);
    const byTask = keptByTask(events);
    expect([...byTask.keys()].sort()).toEqual(treeIds(done).sort());
    for (const types of byTask.values()) expect(types).toEqual(KEPT);
    // The run's own events: created first, completed last.
    expect(events[0]!.data).toMatchObject({ type: 'task.created', data: { id: made.id } });
    expect(events.at(-1)!.data).toMatchObject({
      type: 'task.completed',
      data: { id: made.id, status: 'completed', workflow: [expect.anything()] },
    });
    // Each kept event has its id as the SSE id; progress has none.
    for (const event of events) {
      expect(event.event).toBe(event.data.type);
      expect(event.id).toBe(event.data.type === 'task.progress' ? undefined : event.data.id);
      expect(event.data.data.automation_id).toBe(id);
    }
    expect(new Set(events.map((e) => e.data.id)).size).toBe(events.length);
  });

  it('resumes after a cut with Last-Event-ID: every kept event once, none lost', async () => {
    const id = await automation();
    const first = await open(`/events/stream?automation_id=${id}`, (events) =>
      events.some((e) => e.id !== undefined),
    );
    const made = await run(id);
    const before = await first.closed;
    const lastId = before.filter((e) => e.id !== undefined).at(-1)!.id;
    // Everything else happens while no one is connected.
    await waitForTask(api, made.id);

    const second = await open(
      `/events/stream?automation_id=${id}`,
      ended(() => made.id),
      lastId,
    );
    const after = await second.closed;
    const all = [...before, ...after];
    const byTask = keptByTask(all);
    expect([...byTask.keys()].sort()).toEqual(treeIds(await waitForTask(api, made.id)).sort());
    for (const types of byTask.values()) expect(types).toEqual(KEPT);
    expect(after.every((e) => e.data.type !== 'task.progress')).toBe(true);
  });

  it('resumes a task stream with Last-Event-ID: the kept events since come first, the end last', async () => {
    const id = await automation();
    const made = await run(id);
    const first = await open(`/tasks/${made.id}/events`, (events) => events.length >= 1);
    const before = await first.closed;
    const done = await waitForTask(api, made.id);
    const second = await open(`/tasks/${made.id}/events`, () => false, before[0]!.id);
    const after = await second.closed;
    expect(after.at(-1)!.data).toMatchObject({ type: 'task.completed', data: { id: made.id } });
    const byTask = keptByTask([...before, ...after]);
    for (const taskId of treeIds(done)) expect(byTask.get(taskId)).toContain('task.completed');
    for (const step of stepsOf(done)) expect(byTask.get(step.id)).toContain('task.started');
  });

  it("follows one task's tree with ?task_id", async () => {
    const id = await automation();
    const made = await run(id);
    const elsewhere = run(id);
    const stream = await open(
      `/events/stream?task_id=${made.id}`,
      ended(() => made.id),
    );
    const events = await stream.closed;
    await elsewhere;
    const ids = new Set(treeIds(await waitForTask(api, made.id)));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => ids.has(e.data.data.id))).toBe(true);
  });

  it("streams an automation's own events beside its runs', with the automation as data", async () => {
    const id = await automation();
    const stream = await open(`/events/stream?automation_id=${id}`, (events) =>
      events.some((e) => e.data.type === 'automation.updated'),
    );
    const updated = await api('PATCH', `/automations/${id}`, { body: { name: 'renamed' } });
    const events = await stream.closed;
    const [event] = events.filter((e) => e.data.type === 'automation.updated');
    expect(event).toMatchObject({
      event: 'automation.updated',
      id: event!.data.id,
      data: { type: 'automation.updated', data: updated.body },
    });
  });

  it('answers a Last-Event-ID it does not keep with 410, and bad filters with 400 and 404', async () => {
    const expired = await api('GET', '/events/stream', {
      headers: { 'last-event-id': 'evt_0000000000000000' },
    });
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('event_expired');

    const malformed = await api('GET', '/events/stream', { headers: { 'last-event-id': 'x' } });
    expect(malformed.status).toBe(400);
    expect((await api('GET', '/events/stream?task_id=nope')).status).toBe(400);
    expect((await api('GET', '/events/stream?colour=red')).status).toBe(400);
    const unknown = await api('GET', '/events/stream?task_id=task_0000000000000000');
    expect(unknown.status).toBe(404);
  });
});
