import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ALL_APPS,
  client,
  downloadImage,
  Fixtures,
  FixtureServer,
  readTaskEvents,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';

// Every app a separate process on the real NATS and PostgreSQL; sources
// served from 127.0.0.1, which the allow-list lets ingest fetch. The gateway
// never reads a task it follows on its own here (MEDIAFLOW_TASK_RECHECK_MS):
// only the scheduler's change notifications move its event streams and
// `Prefer: wait`.

describe('running automations', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    await fixtures.jpeg('big.jpg', 4000, 3000);
    await fixtures.pngWithAlpha('alpha.png', 800, 600);
    await fixtures.video('clip.mp4', 1280, 720, 10);
    fixtures.truncated('truncated.jpg', 'big.jpg');
    fixtures.write('empty.jpg', '');
    fixtures.write('notes.txt', 'this is not media\n'.repeat(100));
    fixtures.pngBomb('bomb.png');
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, {
      MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
      MEDIAFLOW_TASK_RECHECK_MS: '3600000',
    });
    api = client(system.baseUrl, system.adminKey);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  async function automation(workflow: unknown[], status = 'active'): Promise<string> {
    const res = await api('POST', '/automations', { body: { name: 'e2e', workflow, status } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function run(
    automationId: string,
    url: string,
    extra: Record<string, unknown> = {},
    headers?: Record<string, string>,
  ) {
    return api('POST', `/automations/${automationId}/run`, { body: { url, ...extra }, headers });
  }

  it('runs three image steps in parallel and every output is what was asked', async () => {
    const id = await automation([
      { kind: 'image', options: { width: 320 }, ref: 'small' },
      { kind: 'image', options: { width: 160, format: 'webp' }, ref: 'tiny' },
      { kind: 'image', options: { width: 64, height: 64, format: 'png' }, ref: 'square' },
    ]);
    const started = await run(id, files.url('big.jpg'));
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ object: 'task', kind: 'workflow', automation_id: id });
    expect(started.body.id).toMatch(/^task_[a-z0-9]{16}$/);

    const done = await waitForTask(api, started.body.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    expect(done.input).toMatchObject({ object: 'file', kind: 'image', width: 4000, height: 3000 });
    const steps = stepsOf(done);
    expect(steps.map((s) => [s.ref, s.status, s.parent_id])).toEqual([
      ['small', 'completed', done.id],
      ['tiny', 'completed', done.id],
      ['square', 'completed', done.id],
    ]);
    const [small, tiny, square] = await Promise.all(steps.map((s) => downloadImage(s.output.url)));
    expect(small).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(tiny).toMatchObject({ format: 'webp', width: 160, height: 120 });
    expect(square).toMatchObject({ format: 'png', width: 64, height: 64 });
    expect(steps[0].output).toMatchObject({
      kind: 'image',
      width: 320,
      height: 240,
      format: 'jpeg',
      ref: 'small',
    });
  });

  it('passes each output down a next chain three deep', async () => {
    const id = await automation([
      {
        kind: 'image',
        options: { width: 1000 },
        next: [
          {
            kind: 'image',
            options: { width: 500 },
            next: [{ kind: 'image', options: { width: 250, format: 'png' } }],
          },
        ],
      },
    ]);
    const done = await waitForTask(api, (await run(id, files.url('big.jpg'))).body.id);
    expect(done.status).toBe('completed');
    const [first, second, third] = stepsOf(done);
    expect(second.parent_id).toBe(first.id);
    expect(third.parent_id).toBe(second.id);
    expect(second.input.id).toBe(first.output.id);
    expect(third.input.id).toBe(second.output.id);
    expect(await downloadImage(third.output.url)).toMatchObject({
      format: 'png',
      width: 250,
      height: 188,
    });
  });

  it('takes next for a wide input and else for a narrow one', async () => {
    const id = await automation([
      {
        kind: 'conditions',
        conditions: [
          { prop: 'kind', value: 'image' },
          { prop: 'width', operator: '>', value: 1280 },
        ],
        next: [{ kind: 'image', options: { width: 1280 }, ref: 'resized' }],
        else: [{ kind: 'image', options: { width: 100, format: 'png' }, ref: 'thumb' }],
      },
    ]);
    const wide = await waitForTask(api, (await run(id, files.url('big.jpg'))).body.id);
    const narrow = await waitForTask(api, (await run(id, files.url('alpha.png'))).body.id);
    const byRef = (task: any) => Object.fromEntries(stepsOf(task).map((s) => [s.ref ?? s.kind, s]));

    expect(wide.status).toBe('completed');
    expect(byRef(wide).conditions.status).toBe('completed');
    expect(byRef(wide).resized.status).toBe('completed');
    expect(byRef(wide).thumb.status).toBe('skipped');
    expect(await downloadImage(byRef(wide).resized.output.url)).toMatchObject({
      width: 1280,
      height: 960,
    });

    expect(narrow.status).toBe('completed');
    expect(byRef(narrow).resized.status).toBe('skipped');
    expect(byRef(narrow).thumb.status).toBe('completed');
    expect(await downloadImage(byRef(narrow).thumb.output.url)).toMatchObject({
      format: 'png',
      width: 100,
      hasAlpha: true,
    });
  });

  it('grabs a frame from a video', async () => {
    const id = await automation([{ kind: 'image', options: { width: 640 } }]);
    const done = await waitForTask(api, (await run(id, files.url('clip.mp4'))).body.id);
    expect(done.status).toBe('completed');
    expect(done.input).toMatchObject({ kind: 'video', width: 1280, height: 720, has_audio: true });
    expect(await downloadImage(stepsOf(done)[0].output.url)).toMatchObject({
      format: 'jpeg',
      width: 640,
      height: 360,
    });
  });

  describe('bad input fails the run with a clear code and disturbs nothing else', () => {
    const cases: [string, () => string, string][] = [
      ['a URL that answers 404', () => files.url('missing.jpg'), 'input_unreachable'],
      ['a file that is not media', () => files.url('notes.txt'), 'input_unreadable'],
      ['a truncated JPEG', () => files.url('truncated.jpg'), 'input_unreadable'],
      ['zero bytes', () => files.url('empty.jpg'), 'input_unreadable'],
      ['a 30000×30000 PNG bomb', () => files.url('bomb.png'), 'input_too_large'],
      [
        '127.0.0.2, left off the allow list',
        () => files.url('big.jpg').replace('127.0.0.1', '127.0.0.2'),
        'input_forbidden',
      ],
      [
        '[::1], left off the allow list',
        () => files.url('big.jpg').replace('127.0.0.1', '[::1]'),
        'input_forbidden',
      ],
      [
        'a redirect from an allowed host to 127.0.0.2',
        () => files.redirectTo(files.url('big.jpg').replace('127.0.0.1', '127.0.0.2')),
        'input_forbidden',
      ],
    ];
    let automationId: string;
    beforeAll(async () => {
      automationId = await automation([{ kind: 'image', options: { width: 100 } }]);
    });

    it.each(cases)('%s', async (_name, url, code) => {
      const healthy = await run(automationId, files.url('alpha.png'));
      const bad = await run(automationId, url());
      expect(bad.status).toBe(201);
      const failed = await waitForTask(api, bad.body.id);
      expect(failed.status).toBe('failed');
      expect(failed.error?.code ?? stepsOf(failed).find((s) => s.error)?.error.code).toBe(code);
      const ok = await waitForTask(api, healthy.body.id);
      expect(ok.status).toBe('completed');
    });
  });

  it('refuses to run a paused automation', async () => {
    const id = await automation([{ kind: 'image' }], 'paused');
    const res = await run(id, files.url('big.jpg'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('cancels a run and its steps', async () => {
    const id = await automation([
      { kind: 'image', options: { width: 3000, format: 'avif' }, next: [{ kind: 'image' }] },
    ]);
    const started = await run(id, files.url('big.jpg'));
    const cancelled = await api('POST', `/tasks/${started.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    const done = await waitForTask(api, started.body.id);
    expect(done.status).toBe('cancelled');
    for (const step of stepsOf(done)) expect(['cancelled', 'skipped']).toContain(step.status);
    expect((await api('POST', `/tasks/${started.body.id}/cancel`)).status).toBe(409);
  });

  it('replays an idempotent run request instead of starting another', async () => {
    const id = await automation([{ kind: 'image', options: { width: 50 } }]);
    const headers = { 'idempotency-key': `e2e-${Date.now()}` };
    const first = await run(id, files.url('alpha.png'), {}, headers);
    const again = await run(id, files.url('alpha.png'), {}, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const runs = await api('GET', `/tasks?automation_id=${id}&kind=workflow`);
    expect(runs.body.meta.total).toBe(1);
  });

  it('streams a run as the scheduler changes it: each step started, then completed, the run last', async () => {
    // Big enough that its steps start after the stream has opened.
    const id = await automation([
      { kind: 'image', options: { width: 2000, format: 'avif' }, ref: 'large' },
    ]);
    const started = await run(id, files.url('big.jpg'));
    const events = await readTaskEvents(system.baseUrl, system.adminKey, started.body.id);
    const step = stepsOf(started.body)[0].id;
    const ofStep = events.filter((e) => e.data.data.id === step).map((e) => e.event);
    expect(ofStep).toContain('task.started');
    expect(ofStep.at(-1)).toBe('task.completed');
    expect(events.at(-1)).toMatchObject({
      event: 'task.completed',
      data: { type: 'task.completed', data: { id: started.body.id, status: 'completed' } },
    });
    // Kept events have their id as the SSE id; task.progress, which the log does not keep, has none.
    for (const event of events)
      expect(event.id).toBe(event.data.type === 'task.progress' ? undefined : event.data.id);
    expect(new Set(events.map((e) => e.data.id)).size).toBe(events.length);
  });

  it('answers a run with Prefer: wait once it has ended', async () => {
    const id = await automation([{ kind: 'image', options: { width: 64 }, ref: 'thumb' }]);
    const waited = await run(id, files.url('alpha.png'), {}, { prefer: 'wait=60' });
    expect(waited.status).toBe(201);
    expect(waited.headers.get('preference-applied')).toBe('wait=60');
    expect(waited.body).toMatchObject({ status: 'completed', progress: 100 });
    expect(stepsOf(waited.body)[0]).toMatchObject({
      ref: 'thumb',
      status: 'completed',
      output: { width: 64 },
    });
  });

  it('signs the webhook of a finished task', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const created = await api('POST', '/tasks', {
        body: {
          kind: 'image',
          url: files.url('alpha.png'),
          options: { width: 32 },
          webhook_url: `http://127.0.0.1:${port}/hook`,
        },
      });
      expect(created.status).toBe(201);
      expect(created.body.kind).toBe('image');
      await waitForTask(api, created.body.id);
      const deadline = Date.now() + 30_000;
      while (received.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(1);

      const secret = (await api('GET', '/webhook-secret')).body.secret;
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
        String(received[0]!.headers['mediaflow-signature']),
      )!;
      expect(createHmac('sha256', secret).update(`${t}.${received[0]!.body}`).digest('hex')).toBe(
        v1,
      );
      expect(JSON.parse(received[0]!.body)).toMatchObject({
        id: created.body.id,
        status: 'completed',
      });
    } finally {
      receiver.close();
    }
  });
});
