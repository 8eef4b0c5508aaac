import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  ALL_APPS,
  client,
  createSpeechMedia,
  downloadBytes,
  Fixtures,
  FixtureServer,
  freePort,
  OpenAiStandIn,
  startApp,
  stepsOf,
  System,
  waitForTask,
  type AppProcess,
} from '@mediaflow/testing';

// Retry only what failed (issue 14, item 4), in both modes: a run whose
// summary step failed on a transient provider error (a local stand-in of an
// OpenAI-compatible service that fails once) is retried; only the summary
// runs again: the transcode beside it is not (ffmpeg's starts counted
// through a logging wrapper), and its output stays.

const SPOKEN = 'The weather today is sunny and warm. Tomorrow there will be rain in the north.';
const WORKFLOW = [
  { kind: 'video', ref: 'web', options: { width: 320, format: 'mp4' } },
  { kind: 'summary', ref: 'sum' },
];

type Api = ReturnType<typeof client>;

/** The product in one mode, with ffmpeg wrapped and the summary provider pointed at the stand-in. */
interface Mode {
  name: string;
  start(env: Record<string, string>): Promise<{ api: Api; stop(): Promise<void> }>;
}

const MODES: Mode[] = [
  {
    name: 'services',
    async start(env) {
      const system = await System.start(ALL_APPS, {
        MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
        ...env,
      });
      return { api: client(system.baseUrl, system.adminKey), stop: () => system.stop() };
    },
  },
  {
    name: 'all-in-one',
    async start(env) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-retry-'));
      const port = await freePort();
      let app: AppProcess | undefined;
      try {
        app = await startApp(
          'all-in-one',
          {
            // Unset: the in-process driver and the embedded database.
            NATS_URL: '',
            DATABASE_URL: '',
            MEDIAFLOW_API_KEY: '',
            MEDIAFLOW_DATA_DIR: dataDir,
            MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
            ...env,
          },
          port,
        );
      } catch (error) {
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
      const key = readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
      return {
        api: client(`http://127.0.0.1:${port}`, key),
        async stop() {
          await app?.stop('SIGTERM');
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

describe.each(MODES)('retrying a failed step ($name)', (mode) => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let provider: OpenAiStandIn;
  let wrapperDir: string;
  let ffmpegLog: string;
  let product: { api: Api; stop(): Promise<void> };

  /** How many times ffmpeg was started to encode H.264: the transcode's starts. */
  const transcodes = () =>
    readFileSync(ffmpegLog, 'utf8')
      .split('\n')
      .filter((line) => line.includes('libx264')).length;

  beforeAll(async () => {
    await createSpeechMedia(fixtures.path('talk.mp4'), SPOKEN);
    await fixtures.video('long.mp4', 1280, 720, 10);
    files = await FixtureServer.start(fixtures.dir);
    provider = await OpenAiStandIn.start();
    wrapperDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-ffmpeg-'));
    ffmpegLog = path.join(wrapperDir, 'starts.log');
    writeFileSync(ffmpegLog, '');
    const ffmpeg = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
    const wrapper = path.join(wrapperDir, 'ffmpeg');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${ffmpegLog}'\nexec '${ffmpeg}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    product = await mode.start({
      FFMPEG_PATH: wrapper,
      MEDIAFLOW_SUMMARY_PROVIDER: 'openai',
      MEDIAFLOW_SUMMARY_BASE_URL: provider.baseUrl,
      MEDIAFLOW_SUMMARY_MODEL: 'stand-in',
      // One attempt: the provider's error fails the step at once, for the retry to take up.
      MEDIAFLOW_TASK_MAX_ATTEMPTS: '1',
    });
  }, 240_000);

  afterAll(async () => {
    await product?.stop();
    await provider?.close();
    await files?.close();
    fixtures.remove();
    rmSync(wrapperDir, { recursive: true, force: true });
  }, 120_000);

  it('runs only the failed step again; the transcode is not run again and its output stays', async () => {
    const { api } = product;
    provider.behaviour = {
      type: 'status',
      status: 503,
      body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } },
    };
    const started = await api('POST', '/tasks', {
      body: { kind: 'workflow', workflow: WORKFLOW, url: files.url('talk.mp4') },
    });
    expect(started.status).toBe(201);
    const failed = await waitForTask(api, started.body.id, undefined, 240_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'provider_unavailable', step: { ref: 'sum' } });
    const [web, sum] = stepsOf(failed);
    expect(web).toMatchObject({ ref: 'web', status: 'completed' });
    expect(sum).toMatchObject({ ref: 'sum', status: 'failed', attempts: 1 });
    expect(transcodes()).toBe(1);

    provider.behaviour = { type: 'answer', content: 'Sunny today, rain in the north tomorrow.' };
    const key = { 'idempotency-key': `retry-${started.body.id}` };
    const retried = await api('POST', `/tasks/${started.body.id}/retry`, { headers: key });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'processing', attempts: 1, error: null });

    const done = await waitForTask(api, started.body.id, undefined, 240_000);
    expect(done).toMatchObject({ status: 'completed', progress: 100, attempts: 1 });
    const [webAfter, sumAfter] = stepsOf(done);
    expect(transcodes()).toBe(1);
    expect(webAfter.output.id).toBe(web.output.id);
    expect((await downloadBytes(webAfter.output.url)).status).toBe(200);
    expect(sumAfter).toMatchObject({ status: 'completed', attempts: 2, error: null });
    expect(sumAfter.output.summary).toBe('Sunny today, rain in the north tomorrow.');
    expect(
      sumAfter.attempt_history.map((a: any) => [a.attempt, a.status, a.error?.code ?? null]),
    ).toEqual([
      [1, 'failed', 'provider_unavailable'],
      [2, 'completed', null],
    ]);

    // The same request again is the same answer: nothing runs a third time.
    const replayed = await api('POST', `/tasks/${started.body.id}/retry`, { headers: key });
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const after = await api('GET', `/tasks/${started.body.id}`);
    expect(stepsOf(after.body)[1].attempts).toBe(2);
    // A completed run has nothing to retry.
    const nothing = await api('POST', `/tasks/${started.body.id}/retry`);
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('conflict');
  });

  it('runs a cancelled task again: the worker told to stop its attempt takes the next one', async () => {
    const { api } = product;
    const started = await api('POST', '/tasks', {
      body: { kind: 'video', url: files.url('long.mp4'), options: { width: 640, format: 'mp4' } },
    });
    expect(started.status).toBe(201);
    const cancelled = await api('POST', `/tasks/${started.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    const retried = await api('POST', `/tasks/${started.body.id}/retry`);
    expect(retried.status).toBe(200);
    const done = await waitForTask(api, started.body.id, undefined, 240_000);
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(done.output.width).toBe(640);
    // Cancelled while its source was still being fetched, it had no attempt of its own; or cancelled in one.
    const statuses = done.attempt_history.map((a: { status: string }) => a.status);
    expect(statuses.at(-1)).toBe('completed');
    expect(statuses.slice(0, -1).every((status: string) => status === 'cancelled')).toBe(true);
  });
});
