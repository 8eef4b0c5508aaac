import {
  ALL_APPS,
  client,
  downloadImage,
  Fixtures,
  FixtureServer,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';

// Upload triggers with every app a separate process on the real NATS and
// PostgreSQL: a stored file starts a run of each active automation whose
// trigger it meets, listed on the file; paused automations, false
// conditions, automations without a trigger and the files runs make start
// none. URLs are served from 127.0.0.1, which the allow-list lets ingest fetch.

const ON_UPLOAD = { kind: 'event', event: 'file.created' };

describe('upload triggers', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  let photo: Buffer;
  const automations: Record<string, string> = {};

  async function automation(name: string, body: Record<string, unknown>): Promise<void> {
    const created = await api('POST', '/automations', { body: { name, ...body } });
    expect(created.status).toBe(201);
    automations[name] = created.body.id;
  }

  /** The runs of an automation, as `GET /tasks` lists them. */
  async function runsOf(name: string): Promise<string[]> {
    const res = await api('GET', `/tasks?kind=workflow&automation_id=${automations[name]}`);
    expect(res.status).toBe(200);
    return res.body.data.map((run: { id: string }) => run.id);
  }

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 640, 480);
    photo = fixtures.bytes('photo.jpg');
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(system.baseUrl, system.adminKey);

    await automation('thumbnail pictures', {
      workflow: [{ kind: 'image', width: 64, format: 'png' }],
      trigger: { ...ON_UPLOAD, conditions: [{ prop: 'kind', value: 'image' }] },
    });
    await automation('everything small', {
      workflow: [{ kind: 'image', width: 32, format: 'webp' }],
      trigger: ON_UPLOAD,
    });
    await automation('paused', {
      workflow: [{ kind: 'image', width: 16 }],
      trigger: ON_UPLOAD,
      status: 'paused',
    });
    await automation('videos only', {
      workflow: [{ kind: 'thumbnails' }],
      trigger: { ...ON_UPLOAD, conditions: [{ prop: 'kind', value: 'video' }] },
    });
    await automation('on demand', { workflow: [{ kind: 'image', width: 16 }] });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  describe('an upload that meets two triggers', () => {
    let file: { id: string; triggered_runs: string[] };

    beforeAll(async () => {
      const res = await api('POST', '/files?filename=holiday.jpg', {
        data: photo,
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(res.status).toBe(201);
      file = res.body;
    });

    it('starts two runs, listed on the file it answers and on GET /files/:id', async () => {
      expect(file.triggered_runs).toHaveLength(2);
      const fetched = await api('GET', `/files/${file.id}`);
      expect(fetched.body.triggered_runs).toEqual(file.triggered_runs);
      const byAutomation = [
        ...(await runsOf('thumbnail pictures')),
        ...(await runsOf('everything small')),
      ];
      expect(byAutomation.sort()).toEqual([...file.triggered_runs].sort());
    });

    it('runs both on the file to completion, each its own automation', async () => {
      const widths: Record<string, number> = {};
      for (const id of file.triggered_runs) {
        const run = await waitForTask(api, id);
        expect(run).toMatchObject({
          kind: 'workflow',
          status: 'completed',
          input: { id: file.id },
        });
        const [step] = stepsOf(run);
        const image = await downloadImage(step.output.url);
        widths[run.automation_id] = image.width!;
      }
      expect(widths).toEqual({
        [automations['thumbnail pictures']!]: 64,
        [automations['everything small']!]: 32,
      });
    });

    it('starts nothing for a paused automation, a false condition or an automation without trigger', async () => {
      expect(await runsOf('paused')).toEqual([]);
      expect(await runsOf('videos only')).toEqual([]);
      expect(await runsOf('on demand')).toEqual([]);
    });

    it('starts nothing for the files its runs made: that would loop', async () => {
      for (const id of file.triggered_runs) {
        const [step] = stepsOf(await waitForTask(api, id));
        const output = await api('GET', `/files/${step.output.id}`);
        expect(output.body.triggered_runs).toEqual([]);
      }
      expect(await runsOf('thumbnail pictures')).toHaveLength(1);
      expect(await runsOf('everything small')).toHaveLength(1);
    });
  });

  it('fires on a file fetched from a URL too, and after changes to the automations', async () => {
    // Resumed, it fires; removed, the trigger no longer does.
    expect(
      (await api('PATCH', `/automations/${automations.paused}`, { body: { status: 'active' } }))
        .status,
    ).toBe(200);
    const removed = await api('PATCH', `/automations/${automations['everything small']}`, {
      body: { trigger: null },
    });
    expect(removed.body.trigger).toBeNull();

    const res = await api('POST', '/files', { body: { url: files.url('photo.jpg') } });
    expect(res.status).toBe(201);
    const runs = await Promise.all(
      res.body.triggered_runs.map((id: string) => waitForTask(api, id)),
    );
    expect(runs.map((run) => run.automation_id).sort()).toEqual(
      [automations['thumbnail pictures'], automations.paused].sort(),
    );
    expect(runs.every((run) => run.status === 'completed')).toBe(true);
  });

  it('refuses a bad trigger with a 400 naming its paths', async () => {
    const res = await api('POST', '/automations', {
      body: {
        name: 'bad',
        workflow: [{ kind: 'summary' }],
        trigger: {
          kind: 'event',
          event: 'file.uploaded',
          conditions: [{ prop: 'kind', value: 'gif' }],
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'validation_failed',
      details: [
        { path: 'trigger.event', message: 'must be one of: file.created' },
        {
          path: 'trigger.conditions[0].value',
          message: 'must be one of: video, image, audio, track, text',
        },
      ],
    });
  });
});
