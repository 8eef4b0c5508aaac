import {
  ALL_APPS,
  client,
  createSpeechMedia,
  downloadImage,
  Fixtures,
  FixtureServer,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';
import { WebVTTParser } from 'webvtt-parser';

// The seed's content-understanding cases, verbatim from docs/http-api.md, every app a
// separate process on the real NATS and PostgreSQL, with the offline
// providers (pocketsphinx, TextRank, nsfwjs) that run by default.

const SPOKEN = 'The weather today is sunny and warm. Tomorrow there will be rain in the north.';

describe('the upload and social-media automations', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    // espeak-ng speech (a voice pocketsphinx can follow) muxed under a test picture.
    await createSpeechMedia(fixtures.path('talk.mp4'), SPOKEN);
    await fixtures.jpeg('photo.jpg', 1200, 800);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(system.baseUrl, system.adminKey);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  async function runAutomation(workflow: unknown[], url: string) {
    const created = await api('POST', '/automations', { body: { name: 'seed', workflow } });
    expect(created.status).toBe(201);
    const started = await api('POST', `/automations/${created.body.id}/run`, { body: { url } });
    expect(started.status).toBe(201);
    return waitForTask(api, started.body.id, undefined, 240_000);
  }

  it('upload processing: a summary, a 320-wide PNG and subtitles, in parallel', async () => {
    const done = await runAutomation(
      [
        { kind: 'summary' },
        { kind: 'image', options: { width: 320, format: 'png' } },
        { kind: 'subtitles' },
      ],
      files.url('talk.mp4'),
    );
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    const [summary, image, subtitles] = stepsOf(done);
    expect([summary.kind, image.kind, subtitles.kind]).toEqual(['summary', 'image', 'subtitles']);
    for (const step of [summary, image, subtitles])
      expect(step).toMatchObject({ status: 'completed', parent_id: done.id });

    expect(summary.output).toMatchObject({
      source: 'transcript',
      provider: expect.stringContaining('local'),
    });
    expect(summary.output.summary.split(/\s+/).length).toBeLessThanOrEqual(60);
    expect(summary.output.summary.toLowerCase()).toMatch(/weather|sunny|rain|tomorrow/);

    expect(await downloadImage(image.output.url)).toMatchObject({
      format: 'png',
      width: 320,
      height: 240,
    });

    expect(subtitles.output).toMatchObject({ kind: 'track', format: 'vtt', language: 'en' });
    const vtt = await (await fetch(subtitles.output.url)).text();
    const parsed = new WebVTTParser().parse(vtt, 'subtitles');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues.length).toBeGreaterThan(0);
    const duration = done.input.duration as number;
    let previousEnd = 0;
    for (const cue of parsed.cues) {
      expect(cue.startTime).toBeGreaterThanOrEqual(previousEnd);
      expect(cue.endTime).toBeGreaterThan(cue.startTime);
      expect(cue.endTime - cue.startTime).toBeLessThanOrEqual(7);
      expect(cue.endTime).toBeLessThanOrEqual(duration + 0.001);
      previousEnd = cue.endTime;
    }
    expect(
      parsed.cues
        .map((c) => c.text)
        .join(' ')
        .toLowerCase(),
    ).toMatch(/weather|sunny|rain|tomorrow/);
  }, 300_000);

  it('social media: nsfw, a summary and a 160-wide WebP, in parallel', async () => {
    const done = await runAutomation(
      [
        { kind: 'nsfw' },
        { kind: 'summary' },
        { kind: 'image', options: { width: 160, format: 'webp' } },
      ],
      files.url('photo.jpg'),
    );
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    const [nsfw, summary, image] = stepsOf(done);
    expect(nsfw.output).toMatchObject({ nsfw: false, frames: [] });
    expect(nsfw.output.confidence).toBeGreaterThan(0.5);
    expect(Object.keys(nsfw.output.scores).sort()).toEqual([
      'drawing',
      'hentai',
      'neutral',
      'porn',
      'sexy',
    ]);
    expect(summary.output).toMatchObject({ source: 'properties' });
    expect(summary.output.summary).toContain('1200×800');
    expect(await downloadImage(image.output.url)).toMatchObject({ format: 'webp', width: 160 });
  }, 300_000);
});
