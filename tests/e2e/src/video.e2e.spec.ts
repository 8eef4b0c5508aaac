import { writeFileSync } from 'node:fs';
import { probeMedia } from '@mediaflow/media';
import {
  ALL_APPS,
  client,
  Fixtures,
  FixtureServer,
  readTaskEvents,
  stepsOf,
  System,
  waitForTask,
} from '@mediaflow/testing';
import { WebVTTParser } from 'webvtt-parser';

// The seed's short-video case, every app a separate process on the real NATS
// and PostgreSQL: transcode to a 1280-wide mp4, thumbnails of the transcode,
// and in parallel the audio track; every output fetched back through its
// signed URL, whole and by Range.

describe('the short-video automation', () => {
  const fixtures = new Fixtures();
  let files: FixtureServer;
  let system: System;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    await fixtures.video('upload.mp4', 1920, 1080, 6, { fps: 30 });
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(ALL_APPS, { MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' });
    api = client(system.baseUrl, system.adminKey);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await files?.close();
    fixtures.remove();
  });

  /** The bytes behind a signed URL, with no API key. */
  async function download(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const res = await fetch(url, { headers });
    return {
      status: res.status,
      bytes: Buffer.from(await res.arrayBuffer()),
      headers: res.headers,
    };
  }

  async function probeDownload(url: string, name: string) {
    const { status, bytes } = await download(url);
    expect(status).toBe(200);
    writeFileSync(fixtures.path(name), bytes);
    return {
      bytes,
      properties: await probeMedia(fixtures.path(name), { maxInputPixels: 100_000_000 }),
    };
  }

  it('transcodes, makes thumbnails of the transcode and extracts the audio, all downloadable', async () => {
    const created = await api('POST', '/automations', {
      body: {
        name: 'short video',
        workflow: [
          {
            kind: 'video',
            ref: 'web',
            options: { width: 1280, format: 'mp4', quality: 'high' },
            next: [{ kind: 'thumbnails', ref: 'scrub' }],
          },
          { kind: 'audio', ref: 'sound' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const started = await api('POST', `/automations/${created.body.id}/run`, {
      body: { url: files.url('upload.mp4') },
    });
    expect(started.status).toBe(201);

    const done = await waitForTask(api, started.body.id, undefined, 180_000);
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    const [web, scrub, sound] = stepsOf(done);
    expect([web.ref, web.status, web.parent_id]).toEqual(['web', 'completed', done.id]);
    expect([scrub.ref, scrub.status, scrub.parent_id]).toEqual(['scrub', 'completed', web.id]);
    expect([sound.ref, sound.status, sound.parent_id]).toEqual(['sound', 'completed', done.id]);
    // The thumbnails ran on the transcode, not on the upload.
    expect(scrub.input.id).toBe(web.output.id);

    const video = await probeDownload(web.output.url, 'web.mp4');
    expect(video.properties).toMatchObject({
      kind: 'video',
      format: 'mp4',
      width: 1280,
      height: 720,
      has_audio: true,
    });
    expect(video.properties.duration).toBeCloseTo(6, 0);
    expect(web.output).toMatchObject({
      kind: 'video',
      width: 1280,
      height: 720,
      filesize: video.bytes.length,
    });

    const audio = await probeDownload(sound.output.url, 'sound.mp3');
    expect(audio.properties).toMatchObject({
      kind: 'audio',
      format: 'mp3',
      has_audio: true,
      has_video: false,
    });

    // The track and its sprite: every cue's region lies inside the sprite.
    expect(scrub.output).toMatchObject({ kind: 'track', format: 'vtt' });
    const [spriteFile] = scrub.output.files;
    const sprite = await probeDownload(spriteFile.url, 'sprite.jpg');
    expect(sprite.properties).toMatchObject({ kind: 'image', format: 'jpeg' });
    const vtt = await download(scrub.output.url);
    const parsed = new WebVTTParser().parse(vtt.bytes.toString('utf8'), 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues.length).toBe(20);
    // Served through the gateway, each cue names the sheet by its own signed URL, which a player fetches as is.
    const sheetUrls = new Set(parsed.cues.map((cue) => cue.text.slice(0, cue.text.indexOf('#'))));
    expect(sheetUrls.size).toBe(1);
    const viaCue = await download([...sheetUrls][0]!);
    expect(viaCue.status).toBe(200);
    expect(viaCue.bytes.equals(sprite.bytes)).toBe(true);
    for (const cue of parsed.cues) {
      const match = /#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue.text);
      expect(match).not.toBeNull();
      const [x, y, w, h] = match!.slice(1).map(Number) as [number, number, number, number];
      expect(x + w).toBeLessThanOrEqual(sprite.properties.width!);
      expect(y + h).toBeLessThanOrEqual(sprite.properties.height!);
    }

    // Range requests on each output answer 206 with exactly the bytes asked for.
    for (const [file, whole] of [
      [web.output, video.bytes],
      [sound.output, audio.bytes],
      [spriteFile, sprite.bytes],
    ] as const) {
      const part = await download(file.url, { range: 'bytes=100-1099' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
      expect(part.bytes.equals(whole.subarray(100, 1100))).toBe(true);
    }
  }, 240_000);

  it('reports the progress of a transcode as it goes, through SSE and GET /tasks/:id', async () => {
    // x265 is slow enough on this that ffmpeg reports several times before it ends.
    await fixtures.video('long.mp4', 1280, 720, 10);
    const res = await api('POST', '/tasks', {
      body: { kind: 'video', url: files.url('long.mp4'), options: { codec: 'h265' } },
    });
    expect(res.status).toBe(201);
    const events = await readTaskEvents(system.baseUrl, system.adminKey, res.body.id);
    const seen = events.map(({ data: event }) => ({
      status: event.data.status,
      progress: event.data.progress,
    }));
    expect(events.at(-1)!.event).toBe('task.completed');
    expect(seen.at(-1)).toMatchObject({ status: 'completed', progress: 100 });
    // Strictly between 0 and 100 at least twice, never going back.
    const during = seen.map((s) => s.progress).filter((p) => p > 0 && p < 100);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect([...during].sort((a, b) => a - b)).toEqual(during);

    const task = await api('GET', `/tasks/${res.body.id}`);
    expect(task.body).toMatchObject({
      kind: 'video',
      status: 'completed',
      progress: 100,
      output: { kind: 'video', width: 1280 },
    });
  }, 240_000);
});
