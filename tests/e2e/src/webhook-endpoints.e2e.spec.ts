import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  client,
  downloadBytes,
  Fixtures,
  freePort,
  startApp,
  System,
  WebhookReceiver,
  type ReceivedRequest,
} from '@mediaflow/testing';

// Webhook endpoints and the event log over HTTP, in both modes: every app a
// process of its own on NATS and PostgreSQL, and `pnpm start`'s one
// process. Deliveries go to a receiver on 127.0.0.1, the one address on
// MEDIAFLOW_ALLOWED_HOSTS.

jest.setTimeout(180_000);

interface Mode {
  api: ReturnType<typeof client>;
  stop(): Promise<void>;
}

const MODES: [string, () => Promise<Mode>][] = [
  [
    'services',
    async () => {
      const system = await System.start(
        ['automation-registry', 'scheduler', 'worker-video', 'worker-image', 'gateway'],
        { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' },
      );
      return { api: client(system.baseUrl, system.adminKey), stop: () => system.stop() };
    },
  ],
  [
    'all-in-one',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-webhooks-'));
      const port = await freePort();
      const app = await startApp(
        'all-in-one',
        {
          // Unset: the in-process driver and the embedded database.
          NATS_URL: '',
          DATABASE_URL: '',
          MEDIAFLOW_API_KEY: '',
          MEDIAFLOW_DATA_DIR: dataDir,
          MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
        },
        port,
      );
      const key = readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
      return {
        api: client(`http://127.0.0.1:${port}`, key),
        stop: async () => {
          await app.stop('SIGTERM');
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  ],
];

/** Whether `request` carries a signature of its body made with `secret`. */
function signedWith(secret: string, request: ReceivedRequest): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['mediaflow-signature']));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(MODES)('webhook endpoints and the event log (%s)', (_mode, start) => {
  const fixtures = new Fixtures();
  const receiver = new WebhookReceiver();
  let mode: Mode;
  let api: Mode['api'];

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 640, 480);
    await receiver.start();
    mode = await start();
    api = mode.api;
  }, 180_000);

  afterAll(async () => {
    await mode?.stop();
    await receiver.stop();
    fixtures.remove();
  });

  const at = (name: string) => receiver.url.replace(/\/hook$/, `/${name}`);
  const requestsTo = (name: string) => receiver.requests.filter((r) => r.path === `/${name}`);
  const typesAt = (name: string) => requestsTo(name).map((r) => JSON.parse(r.body).type as string);

  it('delivers the files’, automations’ and runs’ events each endpoint asks for, signed, listed with their deliveries, and again on request', async () => {
    const refused = await api('POST', '/webhooks/endpoints', {
      body: { url: 'http://127.0.0.2:9/hook', enabled_events: ['*'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'url', message: expect.stringContaining('MEDIAFLOW_ALLOWED_HOSTS') }],
    });

    const all = await api('POST', '/webhooks/endpoints', {
      body: { url: at('all'), enabled_events: ['*'] },
    });
    expect(all.status).toBe(201);
    const objects = await api('POST', '/webhooks/endpoints', {
      body: {
        url: at('objects'),
        enabled_events: [
          'file.created',
          'file.deleted',
          'automation.created',
          'automation.updated',
          'automation.deleted',
        ],
      },
    });
    expect(objects.status).toBe(201);
    expect(objects.body.secret).toMatch(/^whsec_/);
    const listed = await api('GET', '/webhooks/endpoints');
    expect(listed.body.data.map((e: any) => e.id)).toEqual([objects.body.id, all.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    // An automation made, changed; a file uploaded and run on; the file and the automation deleted.
    const created = await api('POST', '/automations', {
      body: { name: 'Small', workflow: [{ kind: 'image', options: { width: 64 } }] },
    });
    const updated = await api('PATCH', `/automations/${created.body.id}`, {
      body: { description: 'thumbnails for the feed' },
    });
    const upload = await api('POST', '/files?filename=photo.jpg', {
      data: readFileSync(fixtures.path('photo.jpg')),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(upload.status).toBe(201);
    const run = await api('POST', `/automations/${created.body.id}/run`, {
      body: { file_id: upload.body.id },
      headers: { prefer: 'wait=60' },
    });
    expect(run.body.status).toBe('completed');
    expect((await api('DELETE', `/files/${upload.body.id}`)).status).toBe(200);
    expect((await api('DELETE', `/automations/${created.body.id}`)).status).toBe(200);

    const objectTypes = [
      'automation.created',
      'automation.updated',
      'file.created',
      'file.deleted',
      'automation.deleted',
    ];
    await until(
      () => requestsTo('objects').length === 5,
      'five deliveries to the objects endpoint',
    );
    // Files' and automations' events come by different ways: each way keeps its order.
    expect(typesAt('objects').filter((t) => t.startsWith('automation.'))).toEqual(
      objectTypes.filter((t) => t.startsWith('automation.')),
    );
    expect(typesAt('objects').filter((t) => t.startsWith('file.'))).toEqual([
      'file.created',
      'file.deleted',
    ]);
    for (const request of requestsTo('objects')) {
      expect(signedWith(objects.body.secret, request)).toBe(true);
      expect(signedWith(all.body.secret, request)).toBe(false);
      expect(request.headers['mediaflow-event-id']).toBe(JSON.parse(request.body).id);
    }
    const delivered = (type: string) =>
      requestsTo('objects')
        .map((r) => JSON.parse(r.body))
        .find((body) => body.type === type);
    expect(delivered('automation.created').data).toEqual(created.body);
    expect(delivered('automation.updated').data).toEqual(updated.body);
    expect(delivered('automation.deleted').data).toEqual(updated.body);
    expect(delivered('file.created').data).toMatchObject({
      id: upload.body.id,
      object: 'file',
      kind: 'image',
      width: 640,
      height: 480,
    });
    expect(delivered('file.created').data).not.toHaveProperty('url');

    // The catch-all endpoint has the runs' events too: the upload's ingest's, the run's and its step's.
    await until(() => typesAt('all').length >= 5 + 3 + 6, 'every event to the catch-all endpoint');
    expect(typesAt('all').filter((t) => t === 'task.completed')).toHaveLength(3);

    // GET /events: the same events, with the same ids, and their deliveries.
    const log = await api('GET', '/events?limit=100');
    expect(log.status).toBe(200);
    expect(log.body.meta.total).toBe(typesAt('all').length);
    expect(new Set(log.body.data.map((e: any) => e.id))).toEqual(
      new Set(requestsTo('all').map((r) => JSON.parse(r.body).id)),
    );
    await until(async () => {
      const page = await api('GET', '/events?limit=100');
      return page.body.data.every((e: any) =>
        e.deliveries.every((d: any) => d.status === 'delivered'),
      );
    }, 'every delivery to be recorded');
    const fileCreated = await api('GET', '/events?type=file.created');
    expect(fileCreated.body.data).toHaveLength(1);
    const [event] = fileCreated.body.data;
    expect(event.deliveries.map((d: any) => d.endpoint_id).sort()).toEqual(
      [all.body.id, objects.body.id].sort(),
    );
    expect(event.deliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      http_status: 204,
      attempt_history: [{ attempt: 1, http_status: 204, error: null }],
    });
    // Listed, the file has its signed url (the file is deleted by now: the link finds nothing).
    expect(event.data.url).toContain(`/files/${upload.body.id}/content?`);
    expect((await downloadBytes(event.data.url)).status).toBe(404);
    const ofAutomation = await api('GET', `/events?automation_id=${created.body.id}&limit=100`);
    expect(new Set(ofAutomation.body.data.map((e: any) => e.type.split('.')[0] as string))).toEqual(
      new Set(['automation', 'task']),
    );
    const ofRun = await api('GET', `/events?task_id=${run.body.id}&limit=100`);
    expect(ofRun.body.data.map((e: any) => e.type)).toEqual([
      'task.completed',
      'task.completed',
      'task.started',
      'task.started',
      'task.created',
      'task.created',
    ]);
    // The same event; its file's signed url is signed afresh on each read (its expiry may move a second).
    const withoutUrl = (e: any) => ({ ...e, data: { ...e.data, url: undefined } });
    expect(withoutUrl((await api('GET', `/events/${event.id}`)).body)).toEqual(withoutUrl(event));
    expect((await api('GET', '/events/evt_0000000000000000')).status).toBe(404);

    // Again, to one endpoint: the same event, the same id.
    const again = await api('POST', `/events/${event.id}/redeliver`, {
      body: { endpoint_id: objects.body.id },
    });
    expect(again.status).toBe(202);
    expect(again.body.deliveries.filter((d: any) => d.redelivery)).toEqual([
      expect.objectContaining({ endpoint_id: objects.body.id, status: 'pending' }),
    ]);
    await until(() => requestsTo('objects').length === 6, 'the redelivery');
    expect(JSON.parse(requestsTo('objects')[5]!.body).id).toBe(event.id);

    // A rotation: the next delivery is signed with the new secret, and not with the old.
    const rotated = await api('POST', `/webhooks/endpoints/${objects.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(objects.body.secret);
    await api('POST', '/automations', {
      body: { name: 'After the rotation', workflow: [{ kind: 'image' }] },
    });
    await until(() => requestsTo('objects').length === 7, 'a delivery after the rotation');
    const last = requestsTo('objects')[6]!;
    expect(signedWith(rotated.body.secret, last)).toBe(true);
    expect(signedWith(objects.body.secret, last)).toBe(false);
  });
});
