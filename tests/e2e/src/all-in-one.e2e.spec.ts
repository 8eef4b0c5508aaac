import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  client,
  createSpeechMedia,
  downloadImage,
  Fixtures,
  FixtureServer,
  freePort,
  startApp,
  stepsOf,
  waitForTask,
  type AppProcess,
} from '@mediaflow/testing';
import { WebVTTParser } from 'webvtt-parser';

// `pnpm start` with nothing but Node.js: every app in one process, the
// in-process messaging driver and the embedded PostgreSQL (NATS_URL and
// DATABASE_URL unset). The seed's three example workflows, verbatim from
// docs/http-api.md, are accepted, the process is killed mid-run (a crash: nothing
// closes), started again, stopped gracefully while runs are under way and
// started again: every run finishes with its outputs.

const SPOKEN = 'The weather today is sunny and warm. Tomorrow there will be rain in the north.';

const SEEDS = {
  upload: [
    { kind: 'summary' },
    { kind: 'image', options: { width: 320, format: 'png' } },
    { kind: 'subtitles' },
  ],
  social: [
    { kind: 'nsfw' },
    { kind: 'summary' },
    { kind: 'image', options: { width: 160, format: 'webp' } },
  ],
  shortVideo: [
    {
      kind: 'video',
      options: { width: 1280, format: 'mp4', quality: 'high' },
      next: [{ kind: 'thumbnails' }],
    },
  ],
};

describe('the all-in-one process', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let dataDir: string;
  let port: number;
  let app: AppProcess | undefined;

  const env = () => ({
    // Unset (an empty value is unset): the in-process driver and the embedded database.
    NATS_URL: '',
    DATABASE_URL: '',
    MEDIAFLOW_API_KEY: '',
    MEDIAFLOW_DATA_DIR: dataDir,
    MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
  });
  const start = async () => (app = await startApp('all-in-one', env(), port));
  const api = () =>
    client(`http://127.0.0.1:${port}`, readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim());

  beforeAll(async () => {
    await createSpeechMedia(fixtures.path('talk.mp4'), SPOKEN);
    await fixtures.jpeg('photo.jpg', 1200, 800);
    // Long enough that the transcode is still under way when the process is killed.
    await fixtures.video('upload.mp4', 1920, 1080, 20, { fps: 30 });
    files = await FixtureServer.start(fixtures.dir);
    dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-all-in-one-'));
    port = await freePort();
  }, 180_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    await files?.close();
    fixtures.remove();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('says where it runs, with which key, and that it needs no NATS or PostgreSQL server', async () => {
    await start();
    const output = app!.output();
    const key = readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
    expect(output).toContain(`API key:   ${key}  (from ${path.join(dataDir, 'api-key')})`);
    expect(output).toContain(`Data:      ${dataDir}`);
    expect(output).toContain('Database:  embedded PostgreSQL');
    expect(output).toContain('Messaging: in-process');
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { nats: 'ok', database: 'ok' } });
    expect((await api()('GET', '/automations')).status).toBe(200);
    // One process, one name on its metrics (and logs), whichever app speaks.
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain(
      'service="all-in-one"',
    );
  });

  it('answers a small task with Prefer: wait once it has ended, woken in-process', async () => {
    const waited = await api()('POST', '/tasks', {
      body: { kind: 'image', url: files.url('photo.jpg'), options: { width: 64, format: 'png' } },
      headers: { prefer: 'wait=60' },
    });
    expect(waited.status).toBe(201);
    expect(waited.headers.get('preference-applied')).toBe('wait=60');
    expect(waited.body).toMatchObject({
      status: 'completed',
      output: { width: 64, format: 'png' },
    });
  });

  it('runs an automation triggered by an upload, listed on the file it answers', async () => {
    const automation = await api()('POST', '/automations', {
      body: {
        name: 'Pictures to PNG',
        workflow: [{ kind: 'image', width: 48, format: 'png' }],
        trigger: {
          kind: 'event',
          event: 'file.created',
          conditions: [{ prop: 'kind', value: 'image' }],
        },
      },
    });
    expect(automation.status).toBe(201);
    const upload = await api()('POST', '/files?filename=photo.jpg', {
      data: fixtures.bytes('photo.jpg'),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(upload.status).toBe(201);
    expect(upload.body.triggered_runs).toHaveLength(1);
    const run = await waitForTask(api(), upload.body.triggered_runs[0]);
    expect(run).toMatchObject({
      automation_id: automation.body.id,
      status: 'completed',
      input: { id: upload.body.id },
    });
    expect(stepsOf(run)[0].output).toMatchObject({ width: 48, format: 'png' });
    // Not to fire again on later uploads of the tests below.
    await api()('DELETE', `/automations/${automation.body.id}`);
  });

  it('finishes every seed run accepted before a crash and a graceful restart', async () => {
    const runs: Record<keyof typeof SEEDS, string> = { upload: '', social: '', shortVideo: '' };
    const inputs = { upload: 'talk.mp4', social: 'photo.jpg', shortVideo: 'upload.mp4' };
    for (const seed of Object.keys(SEEDS) as (keyof typeof SEEDS)[]) {
      const created = await api()('POST', '/automations', {
        body: { name: seed, workflow: SEEDS[seed] },
      });
      expect(created.status).toBe(201);
      const started = await api()('POST', `/automations/${created.body.id}/run`, {
        body: { url: files.url(inputs[seed]) },
      });
      expect(started.status).toBe(201);
      runs[seed] = started.body.id;
    }

    // A crash mid-run: the transcode is under way, nothing gets to close.
    await waitForTask(
      api(),
      runs.shortVideo,
      (run) => stepsOf(run)[0]?.status === 'processing',
      120_000,
    );
    expect(await app!.stop('SIGKILL')).toBeNull();
    await start();
    expect(app!.output()).toContain('Database:  embedded PostgreSQL');

    // A graceful stop while runs are still under way, and a start again.
    const stillRunning = await api()('GET', `/tasks/${runs.shortVideo}`);
    expect(stillRunning.body.status).not.toBe('completed');
    expect(await app!.stop('SIGTERM')).toBe(0);
    await start();

    const upload = await waitForTask(api(), runs.upload, undefined, 240_000);
    const social = await waitForTask(api(), runs.social, undefined, 240_000);
    const shortVideo = await waitForTask(api(), runs.shortVideo, undefined, 240_000);
    for (const run of [upload, social, shortVideo])
      expect(run).toMatchObject({ status: 'completed', progress: 100 });

    const [summary, png, subtitles] = stepsOf(upload);
    expect(summary.output).toMatchObject({ source: 'transcript' });
    expect(await downloadImage(png.output.url)).toMatchObject({ format: 'png', width: 320 });
    const vtt = new WebVTTParser().parse(
      await (await fetch(subtitles.output.url)).text(),
      'subtitles',
    );
    expect(vtt.errors).toEqual([]);
    expect(
      vtt.cues
        .map((c) => c.text)
        .join(' ')
        .toLowerCase(),
    ).toMatch(/weather|sunny|rain|tomorrow/);

    const [nsfw, socialSummary, webp] = stepsOf(social);
    expect(nsfw.output).toMatchObject({ nsfw: false });
    expect(socialSummary.output).toMatchObject({ source: 'properties' });
    expect(await downloadImage(webp.output.url)).toMatchObject({ format: 'webp', width: 160 });

    const [video, thumbnails] = stepsOf(shortVideo);
    expect(video.output).toMatchObject({ kind: 'video', width: 1280, height: 720 });
    // Read whole: a response left unread would hold the gateway's graceful stop open.
    const transcoded = await fetch(video.output.url);
    expect(transcoded.status).toBe(200);
    expect((await transcoded.arrayBuffer()).byteLength).toBe(video.output.filesize);
    const track = new WebVTTParser().parse(
      await (await fetch(thumbnails.output.url)).text(),
      'metadata',
    );
    expect(track.errors).toEqual([]);
    expect(track.cues.length).toBeGreaterThan(0);
  }, 600_000);
});
