import { createReadStream, readFileSync, statSync } from 'node:fs';
import {
  Mediaflow,
  MediaflowApiError,
  verifyWebhook,
  WebhookVerificationError,
  type StreamEvent,
  type TaskEvent,
  type TaskObject,
  type UploadProgress,
  type WebhookVerificationFailure,
} from '@mediaflow/sdk';
import {
  ALL_APPS,
  Fixtures,
  FixtureServer,
  GatewayProxy,
  stepsOf,
  System,
  WebhookReceiver,
  type ReceivedRequest,
} from '@mediaflow/testing';

// @mediaflow/sdk (its Node build, as an application loads it) against the
// whole product, every app a process of its own on NATS and PostgreSQL:
// every method once at least, and what a client meets on the way: an event
// stream cut mid-run, a stream that cannot be had, an answer lost after the
// gateway created the task. A proxy on 127.0.0.1 (GatewayProxy) stands
// between the SDK and the gateway where the network has to fail.

jest.setTimeout(300_000);

/** README, "The automations API": the seed's upload case, verbatim. */
const PROCESS_UPLOADS = {
  name: 'Process uploads',
  description: 'Generate summary, thumbnail, and subtitles for all uploads',
  workflow: [
    { kind: 'summary' as const },
    { kind: 'image' as const, width: 320, format: 'png' as const },
    { kind: 'subtitles' as const },
  ],
};

/** README, "Video: transcode, thumbnails, audio": the short-video case. */
const SHORT_VIDEO = {
  name: 'Short video',
  workflow: [
    {
      kind: 'video' as const,
      options: { width: 1280, format: 'mp4' as const, quality: 'high' as const },
      ref: 'web',
      next: [{ kind: 'thumbnails' as const, ref: 'scrub' }],
    },
    { kind: 'audio' as const, options: { format: 'mp3' as const, normalize: true }, ref: 'sound' },
  ],
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function until<T>(
  read: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function refusal(promise: Promise<unknown>): Promise<WebhookVerificationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).reason;
}

describe('@mediaflow/sdk against the running system', () => {
  const fixtures = new Fixtures();
  let sources: FixtureServer;
  let system: System;
  let proxy: GatewayProxy;
  let receiver: WebhookReceiver;
  let mf: Mediaflow;
  /** The same client, through the proxy. */
  let proxied: Mediaflow;

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 1920, 1080);
    await fixtures.video('clip.mp4', 640, 360, 4);
    await fixtures.video('long.mp4', 1280, 720, 6);
    fixtures.truncated('cut.jpg', 'photo.jpg');
    sources = await FixtureServer.start(fixtures.dir);
    receiver = new WebhookReceiver();
    await receiver.start();
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    proxy = await GatewayProxy.start(system.baseUrl);
    mf = new Mediaflow({ baseUrl: system.baseUrl, apiKey: system.adminKey });
    proxied = new Mediaflow({ baseUrl: proxy.url, apiKey: system.adminKey });
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await system?.stop();
    await receiver?.stop();
    await sources?.close();
    fixtures.remove();
  });

  it('automations: create, read, list, change, run, delete; a bad workflow is a typed error', async () => {
    expect(await mf.health()).toMatchObject({ status: 'ok' });
    const created = await mf.automations.create(PROCESS_UPLOADS);
    expect(created).toMatchObject({ object: 'automation', status: 'active', trigger: null });
    // Answered normalised: flat options under `options`.
    expect(created.workflow[1]).toEqual({ kind: 'image', options: { width: 320, format: 'png' } });
    expect(await mf.automations.get(created.id)).toEqual(created);

    const other = await mf.automations.create(SHORT_VIDEO);
    const page = await mf.automations.list({ limit: 1 });
    expect(page.data.map((a) => a.id)).toEqual([other.id]);
    expect(page.meta).toMatchObject({ page: 1, limit: 1, total: 2, pages: 2 });
    const everyOne = await collect(mf.automations.iterate({ limit: 1 }));
    expect(everyOne.map((a) => a.id)).toEqual([other.id, created.id]);
    expect(
      (await collect(mf.automations.iterate({ name: 'Process uploads' }))).map((a) => a.id),
    ).toEqual([created.id]);

    const paused = await mf.automations.update(other.id, { status: 'paused' });
    expect(paused.status).toBe('paused');
    expect((await mf.automations.list({ status: 'paused' })).data.map((a) => a.id)).toEqual([
      other.id,
    ]);
    const refused = await mf.automations
      .run(other.id, { url: sources.url('photo.jpg') })
      .catch((e: unknown) => e);
    expect(MediaflowApiError.is(refused) && refused.code).toBe('conflict');

    // The first automation on a photo: completed, subtitles skipped as not applicable.
    const run = await mf.automations.run(created.id, { url: sources.url('photo.jpg') });
    expect(run).toMatchObject({ object: 'task', kind: 'workflow', automation_id: created.id });
    const ended = await mf.tasks.wait(run.id, { timeout: 240_000 });
    expect(ended).toMatchObject({ status: 'completed', progress: 100 });
    expect(stepsOf(ended).map((s: TaskObject) => [s.kind, s.status])).toEqual([
      ['summary', 'completed'],
      ['image', 'completed'],
      ['subtitles', 'skipped'],
    ]);

    const bad = await mf.automations
      .create({
        name: 'bad',
        workflow: [
          { kind: 'video', width: 8000 },
          { kind: 'subtitles', next: [{ kind: 'video' }] },
        ],
      })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(MediaflowApiError);
    expect(bad).toMatchObject({
      status: 400,
      code: 'validation_failed',
      details: [
        { path: 'workflow[0].options.width', message: 'must be ≤ 7680' },
        {
          path: 'workflow[1].next[0].kind',
          message: 'video cannot take the track made by subtitles at workflow[1]',
        },
      ],
    });

    expect(await mf.automations.delete(other.id)).toEqual({
      id: other.id,
      object: 'automation',
      deleted: true,
    });
    await expect(mf.automations.get(other.id)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('tasks: create (with wait), read, list, follow its events; cancel, retry, wait', async () => {
    const small = await mf.tasks.create(
      { kind: 'image', url: sources.url('photo.jpg'), options: { width: 160, format: 'webp' } },
      { wait: 30 },
    );
    expect(small).toMatchObject({
      status: 'completed',
      output: { kind: 'image', format: 'webp', width: 160 },
    });
    expect(await mf.tasks.get(small.id)).toMatchObject({ id: small.id, status: 'completed' });
    const events = await collect(mf.tasks.events(small.id));
    expect(events.at(-1)).toMatchObject({ type: 'task.completed', data: { id: small.id } });
    const listed = await mf.tasks.list({ kind: 'image', status: 'completed', limit: 100 });
    expect(listed.data.map((t) => t.id)).toContain(small.id);
    expect((await collect(mf.tasks.iterate({ kind: 'image' }))).map((t) => t.id)).toContain(
      small.id,
    );

    // A slow transcode, cancelled at once: waiting on it answers at once.
    const slow = await mf.tasks.create({
      kind: 'video',
      url: sources.url('long.mp4'),
      options: { codec: 'h265', quality: 'very_high' },
    });
    const cancelled = await mf.tasks.cancel(slow.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(mf.tasks.wait(slow.id)).resolves.toMatchObject({ status: 'cancelled' });
    await expect(mf.tasks.cancel(slow.id)).rejects.toMatchObject({ status: 409, code: 'conflict' });

    // A task that fails: waiting resolves with it (no throw), and a retry runs it again.
    const statuses: string[] = [];
    const failed = await mf.tasks.wait(
      (await mf.tasks.create({ kind: 'image', url: sources.url('cut.jpg') })).id,
      { onProgress: (task) => statuses.push(task.status), timeout: 120_000 },
    );
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'input_unreadable' } });
    expect(statuses.at(-1)).toBe('failed');
    const retried = await mf.tasks.retry(failed.id, { wait: 30 });
    expect(retried).toMatchObject({ id: failed.id, status: 'failed' });
    expect(retried.attempt_history.length).toBeGreaterThan(failed.attempt_history.length);
  });

  it('files: upload from a path, a Buffer, a stream and a Blob, progress to 100 %; ingest; download', async () => {
    const photoPath = fixtures.path('photo.jpg');
    const size = statSync(photoPath).size;
    const progress: UploadProgress[] = [];
    const fromPath = await mf.files.upload(photoPath, { onProgress: (p) => progress.push(p) });
    expect(fromPath).toMatchObject({
      object: 'file',
      kind: 'image',
      filename: 'photo.jpg',
      width: 1920,
      filesize: size,
    });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ loaded: size, total: size });
    expect(progress.map((p) => p.loaded)).toEqual(
      [...progress.map((p) => p.loaded)].sort((a, b) => a - b),
    );

    const bytes = readFileSync(fixtures.path('clip.mp4'));
    const fromBuffer = await mf.files.upload(bytes, { filename: 'clip.mp4' });
    expect(fromBuffer).toMatchObject({ object: 'file', kind: 'video', filename: 'clip.mp4' });
    const fromStream = await mf.files.upload(createReadStream(photoPath), {
      filename: 'streamed.jpg',
      size,
    });
    expect(fromStream).toMatchObject({ object: 'file', filesize: size, filename: 'streamed.jpg' });
    const blobProgress: UploadProgress[] = [];
    const fromBlob = await mf.files.upload(new Blob([bytes], { type: 'video/mp4' }), {
      onProgress: (p) => blobProgress.push(p),
    });
    expect(fromBlob).toMatchObject({ object: 'file', kind: 'video', mimetype: 'video/mp4' });
    expect(blobProgress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });

    const ingested = await mf.files.ingest(sources.url('photo.jpg'), { filename: 'cover.jpg' });
    const stored = await mf.files.wait(ingested);
    expect(stored).toMatchObject({ filename: 'cover.jpg', kind: 'image', filesize: size });
    expect(await mf.files.get(stored.id)).toMatchObject({ id: stored.id, triggered_runs: [] });
    // Newest first (the files runs made are listed too).
    expect((await mf.files.list({ kind: 'video' })).data.slice(0, 2).map((f) => f.id)).toEqual([
      fromBlob.id,
      fromBuffer.id,
    ]);
    const images = await collect(mf.files.iterate({ kind: 'image', limit: 2 }));
    expect(images.map((f) => f.id)).toEqual(
      expect.arrayContaining([fromPath.id, fromStream.id, stored.id]),
    );
    expect(images.length).toBe((await mf.files.list({ kind: 'image' })).meta.total);

    // Downloads, through the signed URL, byte for byte.
    const downloaded = Buffer.from(
      await new Response(await mf.files.download(stored)).arrayBuffer(),
    );
    expect(downloaded.equals(readFileSync(photoPath))).toBe(true);
    const byId = Buffer.from(
      await new Response(await mf.files.download(fromBuffer.id)).arrayBuffer(),
    );
    expect(byId.equals(bytes)).toBe(true);
    const target = fixtures.path('downloaded.mp4');
    expect(await mf.files.downloadTo(fromBuffer, target)).toEqual({
      path: target,
      bytes: bytes.length,
    });
    expect(readFileSync(target).equals(bytes)).toBe(true);
    // A signed URL that was tampered with is refused; the SDK reads a fresh one.
    const stale = { id: stored.id, url: stored.url.replace(/signature=[^&]+/, 'signature=0') };
    expect((await new Response(await mf.files.download(stale)).arrayBuffer()).byteLength).toBe(
      size,
    );

    expect(await mf.files.delete(fromStream.id)).toEqual({
      id: fromStream.id,
      object: 'file',
      deleted: true,
    });
    await expect(mf.files.get(fromStream.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('wait survives an event stream cut mid-run: it resumes with Last-Event-ID', async () => {
    const automation = await mf.automations.create(SHORT_VIDEO);
    const run = await proxied.automations.run(automation.id, { url: sources.url('clip.mp4') });
    proxy.cutStream(2, (method, path) => method === 'GET' && path === `/tasks/${run.id}/events`);
    const seen: TaskEvent[] = [];
    const ended = await proxied.tasks.wait(run.id, {
      onProgress: (_task, event) => event && seen.push(event),
      timeout: 240_000,
    });
    expect(ended).toMatchObject({ id: run.id, status: 'completed', progress: 100 });
    expect(stepsOf(ended).map((s: TaskObject) => [s.ref, s.status])).toEqual([
      ['web', 'completed'],
      ['scrub', 'completed'],
      ['sound', 'completed'],
    ]);
    const opened = proxy.requestsTo('GET', new RegExp(`^/tasks/${run.id}/events$`));
    expect(opened.length).toBeGreaterThanOrEqual(2);
    expect(opened[0]!.headers['last-event-id']).toBeUndefined();
    // The second stream asks for what came after the last kept event before the cut
    // (`task.progress` has no `id:`).
    const kept = seen.slice(0, 2).filter((e) => e.type !== 'task.progress');
    expect(opened[1]!.headers['last-event-id']).toBe(kept.at(-1)?.id);
    // The run's final event came through the resumed stream.
    expect(seen.at(-1)).toMatchObject({ type: 'task.completed', data: { id: run.id } });
  });

  it('wait polls the task while its stream cannot be had, and still resolves', async () => {
    const task = await proxied.tasks.create({
      kind: 'video',
      url: sources.url('long.mp4'),
      options: { codec: 'h265' },
    });
    const streams = new RegExp(`^/tasks/${task.id}/events$`);
    proxy.cutStream(1, (method, path) => method === 'GET' && streams.test(path));
    // After the first cut every stream is refused: only reads of the task get through.
    let opened = 0;
    proxy.refuse = (method, path) => method === 'GET' && streams.test(path) && ++opened > 1;
    try {
      const ended = await proxied.tasks.wait(task.id, { pollIntervalMs: 200, timeout: 240_000 });
      expect(ended).toMatchObject({ id: task.id, status: 'completed' });
    } finally {
      proxy.refuse = () => false;
    }
    expect(proxy.requestsTo('GET', new RegExp(`^/tasks/${task.id}$`)).length).toBeGreaterThan(0);
    expect(proxy.requestsTo('GET', streams).length).toBeGreaterThan(1);
  });

  it('a create whose answer was lost is sent again with the same Idempotency-Key, and runs once', async () => {
    const before = await mf.tasks.list({ kind: 'nsfw', limit: 100 });
    proxy.dropNextAnswer((method, path) => method === 'POST' && path === '/tasks');
    const task = await proxied.tasks.create({ kind: 'nsfw', url: sources.url('photo.jpg') });
    const posts = proxy.requestsTo('POST', /^\/tasks$/).slice(-2);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers['idempotency-key']).toBeDefined();
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    const after = await mf.tasks.list({ kind: 'nsfw', limit: 100 });
    expect(after.meta.total).toBe(before.meta.total + 1);
    expect(after.data[0]!.id).toBe(task.id);

    // The same for an upload: one file stored.
    const files = (await mf.files.list()).meta.total;
    proxy.dropNextAnswer((method, path) => method === 'POST' && path.startsWith('/files'));
    const file = await proxied.files.upload(fixtures.path('photo.jpg'));
    expect(file.object).toBe('file');
    expect((await mf.files.list()).meta.total).toBe(files + 1);
    expect(proxy.requestsTo('POST', /^\/files$/)).toHaveLength(2);
  });

  it('webhooks: endpoints, and verify on a real delivery (valid, tampered, old, another secret)', async () => {
    const endpoint = await mf.webhooks.endpoints.create({
      url: receiver.url,
      enabled_events: ['automation.created'],
    });
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', status: 'active' });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(await mf.webhooks.endpoints.get(endpoint.id)).not.toHaveProperty('secret');
    expect((await mf.webhooks.endpoints.list()).data.map((e) => e.id)).toEqual([endpoint.id]);
    expect((await collect(mf.webhooks.endpoints.iterate())).map((e) => e.id)).toEqual([
      endpoint.id,
    ]);

    const automation = await mf.automations.create({
      name: 'hooked',
      workflow: [{ kind: 'nsfw' }],
    });
    const delivery = await until(
      () =>
        receiver.requests.find((r: ReceivedRequest) => r.body.includes(`"id":"${automation.id}"`)),
      'the automation.created delivery',
    );
    const header = String(delivery.headers['mediaflow-signature']);
    const t = Number(/^t=(\d+)/.exec(header)![1]);

    const event = await verifyWebhook(delivery.body, header, endpoint.secret);
    expect(event).toMatchObject({ type: 'automation.created', data: { id: automation.id } });
    await expect(
      mf.webhooks.verify(Buffer.from(delivery.body), header, endpoint.secret),
    ).resolves.toEqual(event);
    expect(
      await refusal(
        verifyWebhook(delivery.body.replace('hooked', 'hacked'), header, endpoint.secret),
      ),
    ).toBe('signature_mismatch');
    expect(
      await refusal(verifyWebhook(delivery.body, header, endpoint.secret, { now: t + 301 })),
    ).toBe('timestamp_out_of_tolerance');
    expect(
      await refusal(
        mf.webhooks.verify(delivery.body, header, endpoint.secret, {
          now: t + 60,
          toleranceSeconds: 30,
        }),
      ),
    ).toBe('timestamp_out_of_tolerance');
    expect(await refusal(verifyWebhook(delivery.body, header, 'whsec_another'))).toBe(
      'signature_mismatch',
    );

    // A rotation: the old secret no longer verifies what comes next.
    const rotated = await mf.webhooks.endpoints.rotate(endpoint.id);
    expect(rotated.secret).not.toBe(endpoint.secret);
    const logged = await until(
      async () =>
        (await mf.events.list({ type: 'automation.created', automation_id: automation.id }))
          .data[0],
      'the event in the log',
    );
    expect(logged.id).toBe(event.id);
    expect(await mf.events.get(logged.id)).toMatchObject({
      id: logged.id,
      deliveries: [{ endpoint_id: endpoint.id }],
    });
    const redelivered = await mf.events.redeliver(logged.id);
    expect(redelivered.deliveries.some((d) => d.redelivery)).toBe(true);
    const again = await until(
      () =>
        receiver.requests.filter(
          (r: ReceivedRequest) => r.headers['mediaflow-event-id'] === logged.id,
        )[1],
      'the redelivery',
    );
    await expect(
      verifyWebhook(again.body, again.headers['mediaflow-signature'] as string, rotated.secret),
    ).resolves.toMatchObject({ id: logged.id });
    expect(
      await refusal(
        verifyWebhook(again.body, again.headers['mediaflow-signature'] as string, endpoint.secret),
      ),
    ).toBe('signature_mismatch');

    // A per-task webhook is signed with the project's secret.
    const { secret } = await mf.webhookSecret.get();
    const hooked = await mf.tasks.create({
      kind: 'image',
      url: sources.url('photo.jpg'),
      options: { width: 64 },
      webhook_url: `${receiver.url}?task`,
    });
    const taskHook = await until(
      () =>
        receiver.requests.find(
          (r: ReceivedRequest) => r.path.endsWith('?task') && r.body.includes(hooked.id),
        ),
      'the per-task webhook',
    );
    await expect(
      verifyWebhook<TaskObject>(
        taskHook.body,
        taskHook.headers['mediaflow-signature'] as string,
        secret,
      ),
    ).resolves.toMatchObject({ id: hooked.id, status: 'completed' });

    const paused = await mf.webhooks.endpoints.update(endpoint.id, { status: 'paused' });
    expect(paused.status).toBe('paused');
    expect(await mf.webhooks.endpoints.delete(endpoint.id)).toMatchObject({ deleted: true });
    expect(
      (await collect(mf.events.iterate({ type: 'automation.created' }))).length,
    ).toBeGreaterThan(0);
  });

  it('events.stream follows the project from an event on, with each change once', async () => {
    const [latest] = (await mf.events.list({ limit: 1 })).data;
    const controller = new AbortController();
    const task = await mf.tasks.create({
      kind: 'image',
      url: sources.url('photo.jpg'),
      options: { width: 32 },
    });
    const seen: StreamEvent[] = [];
    // Cut once, after the first event: the stream picks up where it was.
    proxy.cutStream(1, (_m, path) => path.startsWith('/events/stream'));
    for await (const event of proxied.events.stream({
      lastEventId: latest!.id,
      signal: controller.signal,
    })) {
      seen.push(event);
      if (event.type === 'task.completed' && event.data.id === task.id) controller.abort();
    }
    const opened = proxy.requestsTo('GET', /^\/events\/stream$/);
    const resumedFrom = seen[0]!.type === 'task.progress' ? latest!.id : seen[0]!.id;
    expect(opened.map((r) => r.headers['last-event-id'])).toEqual([latest!.id, resumedFrom]);
    const ofTask = seen.filter((e) => e.data.id === task.id && e.type !== 'task.progress');
    expect(ofTask.map((e) => e.type)).toEqual(['task.created', 'task.started', 'task.completed']);
    const ids = seen.filter((e) => e.type !== 'task.progress').map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    const filtered = await collect(
      (async function* () {
        for await (const event of mf.events.stream({ taskId: task.id, lastEventId: latest!.id })) {
          yield event;
          if (event.type === 'task.completed') return;
        }
      })(),
    );
    expect(filtered.every((e) => e.data.id === task.id)).toBe(true);
  });

  it('api keys and projects', async () => {
    const key = await mf.apiKeys.create({ name: 'ci' });
    expect(key).toMatchObject({ object: 'api_key', name: 'ci', admin: false });
    expect((await mf.apiKeys.list()).data.map((k) => k.id)).toContain(key.id);
    const asKey = new Mediaflow({ baseUrl: system.baseUrl, apiKey: key.secret });
    expect((await asKey.automations.list()).object).toBe('list');
    expect(await mf.apiKeys.revoke(key.id)).toEqual({
      id: key.id,
      object: 'api_key',
      deleted: true,
    });
    await expect(asKey.automations.list()).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });

    const { project, api_key } = await mf.projects.create({ name: 'Marketing site' });
    expect(project.webhook_secret).toMatch(/^whsec_/);
    expect(await mf.projects.get(project.id)).toMatchObject({
      id: project.id,
      limits: { requests_per_second: null, runs_in_flight: null },
    });
    expect(await mf.projects.update(project.id, { limits: { runs_in_flight: 5 } })).toMatchObject({
      limits: { runs_in_flight: 5 },
    });
    const tenant = new Mediaflow({ baseUrl: system.baseUrl, apiKey: api_key.secret });
    expect((await tenant.automations.list()).data).toEqual([]);
    const forbidden = await tenant.projects.create({ name: 'nope' }).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ status: 403, code: 'forbidden' });
  });
});
