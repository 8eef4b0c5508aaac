import {
  TASK_MESSAGE_VERSION,
  newId,
  type MediaProperties,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { listChildProcesses, probeMedia, runFfmpeg, toolPaths } from '@mediaflow/media';
import { createTestAudio, createTestVideo, createTruncatedCopy } from '@mediaflow/testing';
import type { HandlerFile, TaskContext } from '@mediaflow/worker-kit';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { videoHandler } from './video.handler';

const execFileAsync = promisify(execFile);
const NTSC = 30000 / 1001;
/** Two frames at 29.97 fps: how far a duration may be from the one asked. */
const TWO_FRAMES = 2 / NTSC;

interface Stream {
  codec_type: string;
  codec_name: string;
  codec_tag_string: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
}

/** The output as ffprobe sees it, independently of the worker's own probe. */
async function readBack(file: string) {
  const { stdout } = await execFileAsync(toolPaths().ffprobe, [
    '-v',
    'error',
    '-show_format',
    '-show_streams',
    '-of',
    'json',
    file,
  ]);
  const probe = JSON.parse(stdout) as { format: { format_name: string }; streams: Stream[] };
  const video = probe.streams.filter((s) => s.codec_type === 'video');
  const audio = probe.streams.filter((s) => s.codec_type === 'audio');
  const [num, den] = (video[0]?.avg_frame_rate ?? '0/1').split('/').map(Number);
  return {
    container: probe.format.format_name,
    streams: probe.streams.length,
    video: video[0],
    fps: num! / den!,
    videoSeconds: Number(video[0]?.duration),
    audio: audio[0],
  };
}

async function ffmpegChildren(): Promise<number[]> {
  return (await listChildProcesses())
    .filter((child) => child.argv.some((arg) => arg.includes('ffmpeg')))
    .map((child) => child.pid);
}

// The video kind through the real ffmpeg and ffprobe, on fixtures made here:
// testsrc2 + a sine tone at 29.97 fps, landscape and portrait.
describe('video handler (real ffmpeg)', () => {
  const handler = videoHandler({ maxInputPixels: 100_000_000 });
  let fixtures: string;
  let workDir: string;
  const fixture = (name: string) => path.join(fixtures, name);

  beforeAll(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'video-fixtures-'));
    const fast = ['-preset', 'ultrafast'];
    await Promise.all([
      createTestVideo(fixture('landscape.mp4'), {
        seconds: 3,
        width: 640,
        height: 360,
        fps: '30000/1001',
        outputArgs: [...fast, '-movflags', '+faststart'],
      }),
      createTestVideo(fixture('portrait.mp4'), {
        seconds: 2,
        width: 360,
        height: 640,
        fps: '30000/1001',
        audio: false,
        outputArgs: fast,
      }),
      // Long enough to be cancelled mid-transcode.
      createTestVideo(fixture('long.mp4'), {
        seconds: 20,
        width: 640,
        height: 360,
        outputArgs: fast,
      }),
      createTestAudio(fixture('tone.m4a'), { seconds: 2 }),
      // A frame as PNG under a video's name.
      runFfmpeg(
        [
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=320x240',
          '-frames:v',
          '1',
          '-f',
          'image2',
          '-c:v',
          'png',
          fixture('picture.mp4'),
        ],
        { signal: new AbortController().signal, timeoutMs: 30_000 },
      ),
      // A video of no frames at all.
      runFfmpeg(
        [
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=320x240:rate=25',
          '-t',
          '0',
          '-pix_fmt',
          'yuv420p',
          fixture('empty.mp4'),
        ],
        { signal: new AbortController().signal, timeoutMs: 30_000 },
      ),
      // Not faststart, so the index (moov) is at the end, then cut in half: no index.
      createTestVideo(fixture('broken.mp4'), {
        seconds: 2,
        width: 320,
        height: 180,
        outputArgs: fast,
      }),
      // Faststart: the index comes first, so a copy cut short still declares 4 s.
      createTestVideo(fixture('four.mp4'), {
        seconds: 4,
        width: 320,
        height: 180,
        outputArgs: [...fast, '-movflags', '+faststart'],
      }),
    ]);
    truncateSync(fixture('broken.mp4'), Math.floor(statSync(fixture('broken.mp4')).size / 2));
    await createTruncatedCopy(fixture('four.mp4'), fixture('four-cut.mp4'), 0.4);
  });
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'video-task-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  /** The input as ingest would have stored it: its probed properties, its bytes in the work directory. */
  async function inputOf(name: string, properties?: Partial<MediaProperties>) {
    const inputPath = path.join(workDir, name);
    copyFileSync(fixture(name), inputPath);
    const probed = properties ? null : await probeMedia(inputPath, { maxInputPixels: 100_000_000 });
    return {
      inputPath,
      file: {
        kind: 'video' as const,
        mimetype: 'video/mp4',
        format: 'mp4',
        width: null,
        height: null,
        duration: null,
        fps: null,
        filesize: statSync(inputPath).size,
        has_audio: false,
        has_video: true,
        language: null,
        ...probed,
        ...properties,
        id: newId('file'),
        project_id: newId('prj'),
        filename: name,
        ref: null,
        task_id: null,
        storage_key: `projects/x/${name}`,
        created_at: 0,
      },
    };
  }

  async function context(
    name: string,
    options: Record<string, unknown>,
    extra: {
      ref?: string;
      properties?: Partial<MediaProperties>;
      signal?: AbortSignal;
      progress?: number[];
    } = {},
  ): Promise<TaskContext> {
    const { inputPath, file } = await inputOf(name, extra.properties);
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: file.project_id,
      kind: 'video',
      options,
      input: file,
      source_url: null,
      ref: extra.ref ?? null,
    };
    return {
      task,
      inputPath,
      workDir,
      signal: extra.signal ?? new AbortController().signal,
      progress: (percent) => extra.progress?.push(percent),
    };
  }

  async function transcode(
    name: string,
    options: Record<string, unknown>,
    ref?: string,
  ): Promise<HandlerFile> {
    const { file } = await handler(await context(name, options, { ref }));
    return file!;
  }

  /** Runs a task that must fail, and checks it left nothing in the work directory but what was there. */
  async function failure(
    name: string,
    options: Record<string, unknown>,
    properties?: Partial<MediaProperties>,
  ) {
    const ctx = await context(name, options, { properties });
    const before = readdirSync(workDir).sort();
    const error = await handler(ctx).catch((e: unknown) => e);
    expect(readdirSync(workDir).sort()).toEqual(before);
    return error;
  }

  it('transcodes to H.264 + AAC in a fast-start MP4 by default, reporting progress up to 100', async () => {
    const progress: number[] = [];
    const { file } = await handler(await context('landscape.mp4', {}, { progress }));
    expect(file!.path).toBe(path.join(workDir, 'output.mp4'));
    expect(file!.filename).toBe('landscape.mp4');
    expect(file!.properties).toMatchObject({
      kind: 'video',
      format: 'mp4',
      mimetype: 'video/mp4',
      width: 640,
      height: 360,
      fps: 29.97,
      has_audio: true,
      filesize: statSync(file!.path).size,
    });
    const out = await readBack(file!.path);
    expect(out.video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(out.audio).toMatchObject({ codec_name: 'aac', channels: 2 });
    expect(out.streams).toBe(2);
    expect(out.fps).toBeCloseTo(NTSC, 2);
    expect(Math.abs(out.videoSeconds - 3)).toBeLessThanOrEqual(TWO_FRAMES);
    // Fast start: the index comes before the media data.
    const bytes = readFileSync(file!.path);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));

    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(progress.at(-1)).toBe(100);
  });

  it('keeps the aspect ratio for one dimension, trims to the frame, and names the file after the ref', async () => {
    const file = await transcode('landscape.mp4', { width: 320, start: 0.5, end: 2 }, 'web');
    expect(file.filename).toBe('web.mp4');
    const out = await readBack(file.path);
    expect(out.video).toMatchObject({ width: 320, height: 180 });
    expect(Math.abs(out.videoSeconds - 1.5)).toBeLessThanOrEqual(TWO_FRAMES);
    expect(file.properties.duration).toBeCloseTo(1.5, 1);
  });

  it('fits a portrait video: contain inside the box, cover crops to it, fill stretches, and never upscales otherwise', async () => {
    const sizes = async (options: Record<string, unknown>) => {
      const { properties } = await transcode('portrait.mp4', options);
      return [properties.width, properties.height];
    };
    expect(await sizes({ width: 320, height: 320 })).toEqual([180, 320]);
    expect(await sizes({ width: 320, height: 320, fit: 'cover' })).toEqual([320, 320]);
    expect(await sizes({ width: 480, height: 400, fit: 'fill' })).toEqual([480, 400]);
    expect(await sizes({ width: 720, height: 1280 })).toEqual([360, 640]);
    expect(await sizes({ height: 1280, fit: 'cover' })).toEqual([360, 640]);
  });

  it('makes HEVC in QuickTime, tagged hvc1 for Apple players', async () => {
    const file = await transcode('landscape.mp4', {
      format: 'mov',
      codec: 'h265',
      width: 320,
      quality: 'low',
    });
    expect(file.filename).toBe('landscape.mov');
    expect(file.properties).toMatchObject({ format: 'mov', mimetype: 'video/quicktime' });
    const out = await readBack(file.path);
    expect(out.video).toMatchObject({
      codec_name: 'hevc',
      codec_tag_string: 'hvc1',
      width: 320,
      height: 180,
    });
    expect(out.audio).toMatchObject({ codec_name: 'aac' });
  });

  it('makes VP9 + Opus in WebM at a new frame rate', async () => {
    const file = await transcode('landscape.mp4', { format: 'webm', width: 320, fps: 15 });
    expect(file.properties).toMatchObject({ format: 'webm', mimetype: 'video/webm', fps: 15 });
    const out = await readBack(file.path);
    expect(out.container).toBe('matroska,webm');
    expect(out.video).toMatchObject({ codec_name: 'vp9', width: 320, height: 180 });
    expect(out.audio).toMatchObject({ codec_name: 'opus' });
    expect(file.properties.duration).toBeCloseTo(3, 0);
  });

  it('makes AV1 without sound when audio is false', async () => {
    const file = await transcode('landscape.mp4', {
      codec: 'av1',
      width: 256,
      audio: false,
      quality: 30,
    });
    expect(file.properties).toMatchObject({
      format: 'mp4',
      width: 256,
      height: 144,
      has_audio: false,
    });
    const out = await readBack(file.path);
    expect(out.video).toMatchObject({ codec_name: 'av1' });
    expect(out.audio).toBeUndefined();
    expect(out.streams).toBe(1);
  });

  it('makes Matroska, and smaller files at lower quality', async () => {
    const low = await transcode('landscape.mp4', { format: 'mkv', quality: 'low' });
    const high = await transcode('landscape.mp4', { format: 'mkv', quality: 'very_high' });
    expect(low.properties).toMatchObject({
      format: 'mkv',
      mimetype: 'video/x-matroska',
      width: 640,
    });
    expect((await readBack(low.path)).video).toMatchObject({ codec_name: 'h264' });
    expect(low.properties.filesize).toBeLessThan(high.properties.filesize * 0.7);
  });

  it('fails validation_failed on options the schema refuses, before ffmpeg runs', async () => {
    await expect(failure('landscape.mp4', { width: 10 })).resolves.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'options.width', message: expect.any(String) }],
    });
    await expect(failure('landscape.mp4', { format: 'mp4', codec: 'vp9' })).resolves.toMatchObject({
      code: 'validation_failed',
      details: [
        {
          path: 'options.codec',
          message: 'vp9 cannot be stored in mp4: must be one of: h264, h265, av1',
        },
      ],
    });
  });

  it('fails unsupported_input on audio, on a trim past the end, and on an AV1 frame too small', async () => {
    await expect(failure('tone.m4a', {})).resolves.toMatchObject({
      code: 'unsupported_input',
      message: 'A video cannot be made from an audio file',
    });
    await expect(failure('landscape.mp4', { start: 4, end: 5 })).resolves.toMatchObject({
      code: 'unsupported_input',
      message: expect.stringMatching(
        /^The trim starts at 4 s, at or past the end of the input \(3(\.\d+)? s\)$/,
      ),
    });
    await expect(failure('landscape.mp4', { codec: 'av1', width: 64 })).resolves.toMatchObject({
      code: 'unsupported_input',
      message: 'AV1 needs a picture of at least 64×64 pixels; this 640×360 video would be 64×36',
    });
  });

  it('fails a PNG named .mp4 as unsupported_input: it is probed as the image it is', async () => {
    await expect(failure('picture.mp4', {})).resolves.toMatchObject({ code: 'unsupported_input' });
  });

  it('fails input_unreadable on a cut-off MP4, leaving no partial output', async () => {
    // As recorded before the file was damaged: a 2 s video.
    const error = await failure(
      'broken.mp4',
      {},
      { width: 320, height: 180, duration: 2, has_audio: true },
    );
    expect(error).toMatchObject({
      code: 'input_unreadable',
      message: expect.stringContaining('moov atom not found'),
    });
    expect((error as Error).message).not.toContain(workDir);
  });

  it('fails input_unreadable on a faststart MP4 cut to 40 %, saying how much of it was decoded', async () => {
    // It probes as the 4 s its index declares; ffmpeg decodes what is there and exits 0.
    const ctx = await context('four-cut.mp4', {});
    expect(ctx.task.input!.duration).toBeCloseTo(4, 0);
    const before = readdirSync(workDir).sort();
    const error = await handler(ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'input_unreadable',
      message: expect.stringMatching(
        /^Decoded 1\.\d s of the 4\.0 s the file declares: it is cut short$/,
      ),
    });
    expect(readdirSync(workDir).sort()).toEqual(before);
  });

  it('completes the same MP4 whole', async () => {
    const file = await transcode('four.mp4', {});
    expect(file.properties.duration).toBeCloseTo(4, 0);
  });

  it('fails input_unreadable on a video of 0 seconds', async () => {
    await expect(
      failure('empty.mp4', {}, { width: 320, height: 240, duration: 0 }),
    ).resolves.toMatchObject({
      code: 'input_unreadable',
      message: 'The video lasts 0 seconds: it has no frame to transcode',
    });
    // Ingest would have refused it already: no prober finds a stream in it.
    await expect(
      probeMedia(fixture('empty.mp4'), { maxInputPixels: 100_000_000 }),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
  });

  it('cancels mid-transcode: rejects with cancelled, stops ffmpeg, and keeps no partial output', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const ctx = await context(
      'long.mp4',
      { codec: 'h265', quality: 'very_high' },
      { signal: controller.signal, progress },
    );
    const run = handler({ ...ctx, progress: (p) => (progress.push(p), controller.abort()) });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!).toBeLessThan(100);
    await expect(ffmpegChildren()).resolves.toEqual([]);
    expect(readdirSync(workDir)).toEqual(['long.mp4']);
  });
});
