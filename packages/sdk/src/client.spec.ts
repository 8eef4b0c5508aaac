import { Mediaflow } from './index';
import { fakeFetch, json, type SeenRequest } from './testing/fake-api';

/** Every route of docs/http-api.md, as the client calls it. */
function client() {
  const api = fakeFetch((request) => {
    const listed = ['/automations', '/tasks'].includes(request.path.split('?')[0]!);
    if (request.method === 'GET' && listed)
      return json(200, {
        object: 'list',
        data: [{ id: 'x', name: 'Process uploads' }],
        meta: { page: 1, limit: 20, total: 1, pages: 1 },
      });
    return json(request.method === 'POST' ? 201 : 200, {
      id: 'x',
      object: 'file',
      url: 'http://api.test/files/x/content?s=1',
    });
  });
  const mf = new Mediaflow({ baseUrl: 'http://api.test', apiKey: 'mf_key', fetch: api.fetch });
  return { mf, requests: api.requests };
}

const call = (r: SeenRequest) => [
  r.method,
  r.path,
  r.body === undefined ? undefined : JSON.parse(r.body),
];

describe('Mediaflow: every route', () => {
  it.each<[string, (mf: Mediaflow) => Promise<unknown>, [string, string, unknown]]>([
    [
      'automations.list',
      (mf) => mf.automations.list({ page: 2, limit: 5, status: 'active' }),
      ['GET', '/automations?page=2&limit=5&status=active', undefined],
    ],
    [
      'automations.get',
      (mf) => mf.automations.get('auto_1'),
      ['GET', '/automations/auto_1', undefined],
    ],
    [
      'automations.create',
      (mf) => mf.automations.create({ name: 'n', workflow: [{ kind: 'image', width: 320 }] }),
      ['POST', '/automations', { name: 'n', workflow: [{ kind: 'image', width: 320 }] }],
    ],
    [
      'automations.update',
      (mf) => mf.automations.update('auto_1', { status: 'paused' }),
      ['PATCH', '/automations/auto_1', { status: 'paused' }],
    ],
    [
      'automations.delete',
      (mf) => mf.automations.delete('auto_1'),
      ['DELETE', '/automations/auto_1', undefined],
    ],
    [
      'automations.run',
      (mf) =>
        mf.automations.run(
          'auto_1',
          { url: 'https://e.com/a.jpg' },
          { webhookUrl: 'https://h.com/x' },
        ),
      [
        'POST',
        '/automations/auto_1/run',
        { url: 'https://e.com/a.jpg', webhook_url: 'https://h.com/x' },
      ],
    ],
    [
      'tasks.create',
      (mf) => mf.tasks.create({ kind: 'image', file_id: 'file_1', options: { width: 160 } }),
      ['POST', '/tasks', { kind: 'image', file_id: 'file_1', options: { width: 160 } }],
    ],
    ['tasks.get', (mf) => mf.tasks.get('task_1'), ['GET', '/tasks/task_1', undefined]],
    [
      'tasks.list',
      (mf) => mf.tasks.list({ status: 'failed', kind: 'workflow' }),
      ['GET', '/tasks?status=failed&kind=workflow', undefined],
    ],
    [
      'tasks.cancel',
      (mf) => mf.tasks.cancel('task_1'),
      ['POST', '/tasks/task_1/cancel', undefined],
    ],
    ['tasks.retry', (mf) => mf.tasks.retry('task_1'), ['POST', '/tasks/task_1/retry', undefined]],
    [
      'files.ingest',
      (mf) => mf.files.ingest('https://e.com/a.jpg', { filename: 'cover.jpg' }),
      ['POST', '/files', { url: 'https://e.com/a.jpg', filename: 'cover.jpg' }],
    ],
    ['files.get', (mf) => mf.files.get('file_1'), ['GET', '/files/file_1', undefined]],
    [
      'files.list',
      (mf) => mf.files.list({ kind: 'image' }),
      ['GET', '/files?kind=image', undefined],
    ],
    ['files.delete', (mf) => mf.files.delete('file_1'), ['DELETE', '/files/file_1', undefined]],
    ['apiKeys.list', (mf) => mf.apiKeys.list(), ['GET', '/api-keys', undefined]],
    [
      'apiKeys.create',
      (mf) => mf.apiKeys.create({ name: 'ci' }),
      ['POST', '/api-keys', { name: 'ci' }],
    ],
    [
      'apiKeys.revoke',
      (mf) => mf.apiKeys.revoke('key_1'),
      ['DELETE', '/api-keys/key_1', undefined],
    ],
    [
      'projects.create',
      (mf) => mf.projects.create({ name: 'Marketing' }),
      ['POST', '/projects', { name: 'Marketing' }],
    ],
    ['projects.get', (mf) => mf.projects.get('prj_1'), ['GET', '/projects/prj_1', undefined]],
    [
      'projects.update',
      (mf) => mf.projects.update('prj_1', { limits: { runs_in_flight: 5 } }),
      ['PATCH', '/projects/prj_1', { limits: { runs_in_flight: 5 } }],
    ],
    ['webhookSecret.get', (mf) => mf.webhookSecret.get(), ['GET', '/webhook-secret', undefined]],
    [
      'webhooks.endpoints.list',
      (mf) => mf.webhooks.endpoints.list({ limit: 3 }),
      ['GET', '/webhooks/endpoints?limit=3', undefined],
    ],
    [
      'webhooks.endpoints.create',
      (mf) => mf.webhooks.endpoints.create({ url: 'https://h.com', enabled_events: ['*'] }),
      ['POST', '/webhooks/endpoints', { url: 'https://h.com', enabled_events: ['*'] }],
    ],
    [
      'webhooks.endpoints.get',
      (mf) => mf.webhooks.endpoints.get('we_1'),
      ['GET', '/webhooks/endpoints/we_1', undefined],
    ],
    [
      'webhooks.endpoints.update',
      (mf) => mf.webhooks.endpoints.update('we_1', { status: 'paused' }),
      ['PATCH', '/webhooks/endpoints/we_1', { status: 'paused' }],
    ],
    [
      'webhooks.endpoints.delete',
      (mf) => mf.webhooks.endpoints.delete('we_1'),
      ['DELETE', '/webhooks/endpoints/we_1', undefined],
    ],
    [
      'webhooks.endpoints.rotate',
      (mf) => mf.webhooks.endpoints.rotate('we_1'),
      ['POST', '/webhooks/endpoints/we_1/rotate', undefined],
    ],
    [
      'events.list',
      (mf) => mf.events.list({ type: 'task.failed', task_id: 'task_1' }),
      ['GET', '/events?type=task.failed&task_id=task_1', undefined],
    ],
    ['events.get', (mf) => mf.events.get('evt_1'), ['GET', '/events/evt_1', undefined]],
    [
      'events.redeliver',
      (mf) => mf.events.redeliver('evt_1', { endpoint_id: 'we_1' }),
      ['POST', '/events/evt_1/redeliver', { endpoint_id: 'we_1' }],
    ],
    ['health', (mf) => mf.health(), ['GET', '/health', undefined]],
  ])('%s', async (_name, invoke, expected) => {
    const { mf, requests } = client();
    await invoke(mf);
    expect(requests.map(call)).toEqual([expected]);
  });

  it('escapes ids in paths, so that no id reaches another route', async () => {
    const { mf, requests } = client();
    await mf.tasks.get('../automations?x=1');
    expect(requests[0]!.path).toBe('/tasks/..%2Fautomations%3Fx%3D1');
  });

  it('sends Prefer: wait and the caller’s Idempotency-Key on runs', async () => {
    const { mf, requests } = client();
    await mf.automations.run('auto_1', { file_id: 'file_1' }, { wait: 30, idempotencyKey: 'k1' });
    await mf.tasks.create({ kind: 'image', url: 'https://e.com/a.jpg' }, { wait: 5 });
    await mf.tasks.retry('task_1', { wait: 60, idempotencyKey: 'k2' });
    expect(requests.map((r) => [r.headers.prefer, r.headers['idempotency-key']])).toEqual([
      ['wait=30', 'k1'],
      ['wait=5', expect.any(String)],
      ['wait=60', 'k2'],
    ]);
  });

  it('iterates every page, in pages of 100 unless told otherwise', async () => {
    const { mf, requests } = client();
    const names: string[] = [];
    for await (const automation of mf.automations.iterate({ name: 'Process uploads' }))
      names.push(automation.name);
    expect(names).toEqual(['Process uploads']);
    expect(requests[0]!.path).toBe('/automations?limit=100&name=Process+uploads&page=1');
    const ids: string[] = [];
    for await (const t of mf.tasks.iterate({ limit: 10 })) ids.push(t.id);
    expect(requests.at(-1)!.path).toBe('/tasks?limit=10&page=1');
  });

  it('health needs no key', async () => {
    const { mf, requests } = client();
    await mf.health();
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });
});
