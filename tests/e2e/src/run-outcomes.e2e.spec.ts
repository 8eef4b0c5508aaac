import {
  ALL_APPS,
  client,
  createSpeechMedia,
  Fixtures,
  FixtureServer,
  readTaskEvents,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';

// Runs people can operate (issue 14, items 1 to 3), every app a separate
// process on the real NATS and PostgreSQL: the documentation's first
// automation on every kind of upload, a run that says why it failed, and a
// long transcode's run whose progress moves and never goes back.

const SPOKEN = 'The weather today is sunny and warm. Tomorrow there will be rain in the north.';

/** README, "The automations API": the first automation, verbatim. */
const PROCESS_UPLOADS = {
  name: 'Process uploads',
  description: 'Generate summary, thumbnail, and subtitles for all uploads',
  workflow: [
    { kind: 'summary' },
    { kind: 'image', width: 320, format: 'png' },
    { kind: 'subtitles' },
  ],
};

describe('runs that say what happened', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;
  let processUploads: string;

  beforeAll(async () => {
    await fixtures.jpeg('photo.jpg', 1200, 800);
    await createSpeechMedia(fixtures.path('voice.wav'), SPOKEN, { video: false });
    await createSpeechMedia(fixtures.path('talk.mp4'), SPOKEN);
    await fixtures.video('long.mp4', 1280, 720, 10);
    fixtures.truncated('cut.mp4', 'talk.mp4');
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(system.baseUrl, system.adminKey);
    const created = await api('POST', '/automations', { body: PROCESS_UPLOADS });
    expect(created.status).toBe(201);
    processUploads = created.body.id;
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  async function processUpload(name: string): Promise<any> {
    const started = await api('POST', `/automations/${processUploads}/run`, {
      body: { url: files.url(name) },
    });
    expect(started.status).toBe(201);
    return waitForTask(api, started.body.id, undefined, 240_000);
  }

  /** Each step as [kind, status, skip reason code], in the workflow's order. */
  const outcome = (run: any) =>
    stepsOf(run).map((s) => [s.kind, s.status, s.skip_reason?.code ?? null]);

  describe('"Process uploads", for all uploads', () => {
    it('on a JPEG: completed, subtitles skipped as not applicable', async () => {
      const run = await processUpload('photo.jpg');
      expect(run).toMatchObject({
        status: 'completed',
        progress: 100,
        error: null,
        steps_summary: { completed: 2, skipped: 1, failed: 0, cancelled: 0 },
      });
      expect(outcome(run)).toEqual([
        ['summary', 'completed', null],
        ['image', 'completed', null],
        ['subtitles', 'skipped', 'not_applicable'],
      ]);
      const [summary, image, subtitles] = stepsOf(run);
      expect(subtitles.skip_reason.message).toBe(
        'subtitles takes video or audio; the input is an image (photo.jpg)',
      );
      expect(subtitles).toMatchObject({ attempts: 0, error: null, input: { id: run.input.id } });
      expect(summary.output.summary.length).toBeGreaterThan(0);
      expect(image.output).toMatchObject({ kind: 'image', format: 'png', width: 320 });
    }, 300_000);

    it('on a WAV of speech: completed, the picture skipped as not applicable', async () => {
      const run = await processUpload('voice.wav');
      expect(run).toMatchObject({ status: 'completed', progress: 100, error: null });
      expect(run.input).toMatchObject({ kind: 'audio' });
      expect(outcome(run)).toEqual([
        ['summary', 'completed', null],
        ['image', 'skipped', 'not_applicable'],
        ['subtitles', 'completed', null],
      ]);
      const [summary, image, subtitles] = stepsOf(run);
      expect(image.skip_reason.message).toBe(
        'image takes image or video; the input is an audio file (voice.wav)',
      );
      expect(summary.output).toMatchObject({ source: 'transcript' });
      expect(subtitles.output).toMatchObject({ kind: 'track', format: 'vtt' });
    }, 300_000);

    it('on an MP4 with speech: every step runs', async () => {
      const run = await processUpload('talk.mp4');
      expect(run).toMatchObject({
        status: 'completed',
        progress: 100,
        error: null,
        steps_summary: { completed: 3, skipped: 0 },
      });
      expect(outcome(run)).toEqual([
        ['summary', 'completed', null],
        ['image', 'completed', null],
        ['subtitles', 'completed', null],
      ]);
    }, 300_000);

    it('on a cut-short MP4, which should work but cannot be read: failed, saying which task and why', async () => {
      const run = await processUpload('cut.mp4');
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({
        code: 'input_unreadable',
        message: expect.any(String),
        step: { id: expect.stringMatching(/^task_/), kind: expect.any(String) },
      });
      // Nothing in it was skipped for not applying: the file is a video.
      expect(stepsOf(run).some((s) => s.skip_reason?.code === 'not_applicable')).toBe(false);
    }, 300_000);
  });

  it("moves a long transcode's run as the transcode goes, never back (sampled from its event stream)", async () => {
    // x265 is slow enough here that ffmpeg reports several times before it ends.
    const created = await api('POST', '/automations', {
      body: {
        name: 'transcode and poster',
        workflow: [
          {
            kind: 'video',
            ref: 'hevc',
            options: { codec: 'h265' },
            next: [{ kind: 'thumbnails', ref: 'scrub' }],
          },
          { kind: 'image', ref: 'poster', options: { width: 320 } },
        ],
      },
    });
    expect(created.status).toBe(201);
    const started = await api('POST', `/automations/${created.body.id}/run`, {
      body: { url: files.url('long.mp4') },
    });
    expect(started.status).toBe(201);
    const runId = started.body.id;

    // The run's progress as each of its events came, and whether the transcode was running then.
    const samples: { progress: number; transcoding: boolean }[] = [];
    let transcode = 'waiting';
    const events = await readTaskEvents(system.baseUrl, system.adminKey, runId, ({ data }) => {
      if (data.data.ref === 'hevc') transcode = data.data.status;
      if (data.data.id === runId)
        samples.push({ progress: data.data.progress, transcoding: transcode === 'processing' });
    });
    expect(events.at(-1)).toMatchObject({ event: 'task.completed', data: { data: { id: runId } } });

    const progress = samples.map((s) => s.progress);
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const whileTranscoding = new Set(
      samples
        .filter((s) => s.transcoding && s.progress > 0 && s.progress < 100)
        .map((s) => s.progress),
    );
    expect(whileTranscoding.size).toBeGreaterThanOrEqual(2);

    const run = await api('GET', `/tasks/${runId}`);
    expect(run.body).toMatchObject({
      status: 'completed',
      progress: 100,
      steps_summary: { completed: 3 },
    });
  }, 300_000);
});
