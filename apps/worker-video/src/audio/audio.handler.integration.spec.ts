import {
  TASK_MESSAGE_VERSION,
  newId,
  type MediaProperties,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { probeMedia, toolPaths } from '@mediaflow/media';
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
import { audioHandler } from './audio.handler';

const execFileAsync = promisify(execFile);
/**
 * Two frames of AAC (1024 samples) or MP3 (1152) at 44.1 kHz: how far a
 * decoded length may be from the one asked, for the encoder's priming and
 * padding that ADTS, for one, cannot mark for removal.
 */
const TWO_FRAMES = 0.053;

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
  const probe = JSON.parse(stdout) as {
    format: { format_name: string; bit_rate?: string };
    streams: { codec_type: string; codec_name: string; sample_rate: string; channels: number }[];
  };
  return {
    container: probe.format.format_name,
    kbps: Number(probe.format.bit_rate) / 1000,
    types: probe.streams.map((s) => s.codec_type),
    audio: probe.streams.find((s) => s.codec_type === 'audio'),
  };
}

/**
 * Seconds of sound a player decodes: MP3 and AAC carry encoder delay and
 * padding that the container's duration counts and decoders drop.
 */
async function decodedSeconds(file: string): Promise<number> {
  const rate = 8000;
  const { stdout } = await execFileAsync(
    toolPaths().ffmpeg,
    [
      '-v',
      'error',
      '-i',
      file,
      '-map',
      '0:a:0',
      '-ac',
      '1',
      '-ar',
      String(rate),
      '-f',
      's16le',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout.length / 2 / rate;
}

/** Integrated loudness in LUFS, measured by ffmpeg's ebur128 filter (not loudnorm, which the worker uses). */
async function integratedLoudness(file: string): Promise<number> {
  const { stderr } = await execFileAsync(toolPaths().ffmpeg, [
    '-hide_banner',
    '-nostats',
    '-i',
    file,
    '-af',
    'ebur128',
    '-f',
    'null',
    '-',
  ]);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)![1]);
}

// The audio kind through the real ffmpeg and ffprobe, on fixtures made here.
describe('audio handler (real ffmpeg)', () => {
  const handler = audioHandler({ maxInputPixels: 100_000_000 });
  let fixtures: string;
  let workDir: string;
  const fixture = (name: string) => path.join(fixtures, name);

  beforeAll(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'audio-fixtures-'));
    const fast = ['-preset', 'ultrafast'];
    await Promise.all([
      createTestVideo(fixture('clip.mp4'), {
        seconds: 3,
        width: 320,
        height: 180,
        fps: '30000/1001',
        outputArgs: fast,
      }),
      createTestVideo(fixture('silent.mp4'), {
        seconds: 2,
        width: 320,
        height: 180,
        audio: false,
        outputArgs: fast,
      }),
      createTestAudio(fixture('tone.wav'), { seconds: 3 }),
      // Far below the target, so normalising has something to do.
      createTestAudio(fixture('quiet.wav'), { seconds: 4, outputArgs: ['-af', 'volume=0.05'] }),
      createTestAudio(fixture('hush.wav'), { seconds: 2, outputArgs: ['-af', 'volume=0'] }),
      createTestVideo(fixture('broken.mp4'), {
        seconds: 2,
        width: 320,
        height: 180,
        outputArgs: fast,
      }),
      // Faststart: the index comes first, so a copy cut short still declares 4 s.
      createTestAudio(fixture('four.m4a'), {
        seconds: 4,
        outputArgs: ['-c:a', 'aac', '-movflags', '+faststart'],
      }),
      // LAME's header counts the frames: an MP3 declares its length too.
      createTestAudio(fixture('four.mp3'), { seconds: 4 }),
    ]);
    // Not faststart, so the index is at the end; cut in half, it is gone.
    truncateSync(fixture('broken.mp4'), Math.floor(statSync(fixture('broken.mp4')).size / 2));
    await createTruncatedCopy(fixture('four.m4a'), fixture('four-cut.m4a'), 0.4);
    await createTruncatedCopy(fixture('four.mp3'), fixture('four-cut.mp3'), 0.4);
  });
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'audio-task-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  /** A dispatch for the fixture, its bytes in the work directory and its properties as ingest probed them. */
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
    const inputPath = path.join(workDir, name);
    copyFileSync(fixture(name), inputPath);
    const probed = extra.properties ? null : await probeMedia(inputPath, { maxInputPixels: 1e8 });
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: newId('prj'),
      kind: 'audio',
      options,
      input: {
        kind: 'video',
        mimetype: 'video/mp4',
        format: 'mp4',
        width: 320,
        height: 180,
        duration: 2,
        fps: 29.97,
        filesize: statSync(inputPath).size,
        has_audio: true,
        has_video: true,
        language: null,
        ...probed,
        ...extra.properties,
        id: newId('file'),
        project_id: newId('prj'),
        filename: name,
        ref: null,
        task_id: null,
        storage_key: `projects/x/${name}`,
        created_at: 0,
      },
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

  async function extract(
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
    signal?: AbortSignal,
  ) {
    const ctx = await context(name, options, { properties, signal });
    const before = readdirSync(workDir).sort();
    const error = await handler(ctx).catch((e: unknown) => e);
    expect(readdirSync(workDir).sort()).toEqual(before);
    return error;
  }

  it('takes the sound of a video as MP3 by default, reporting progress up to 100', async () => {
    const progress: number[] = [];
    const { file } = await handler(await context('clip.mp4', {}, { progress }));
    expect(file!.path).toBe(path.join(workDir, 'output.mp3'));
    expect(file!.filename).toBe('clip.mp3');
    expect(file!.properties).toMatchObject({
      kind: 'audio',
      format: 'mp3',
      mimetype: 'audio/mpeg',
      has_audio: true,
      has_video: false,
      width: null,
      filesize: statSync(file!.path).size,
    });
    const out = await readBack(file!.path);
    expect(out.types).toEqual(['audio']);
    expect(out.audio).toMatchObject({ codec_name: 'mp3', channels: 1 });
    expect(Math.abs((await decodedSeconds(file!.path)) - 3)).toBeLessThanOrEqual(TWO_FRAMES);
    expect(progress.at(-1)).toBe(100);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
  });

  it('sets bitrate, channels and sample rate, trims, and names the file after the ref', async () => {
    const file = await extract(
      'clip.mp4',
      { bitrate: 96, channels: 2, sample_rate: 22050, start: 0.5, end: 2 },
      'voice',
    );
    expect(file.filename).toBe('voice.mp3');
    const out = await readBack(file.path);
    expect(out.audio).toMatchObject({ codec_name: 'mp3', channels: 2, sample_rate: '22050' });
    expect(Math.abs((await decodedSeconds(file.path)) - 1.5)).toBeLessThanOrEqual(TWO_FRAMES);
    expect(out.kbps).toBeGreaterThan(85);
    expect(out.kbps).toBeLessThan(110);
  });

  it.each([
    ['aac', 'aac', 'audio/aac', 'aac', 'aac'],
    ['m4a', 'm4a', 'audio/mp4', 'mov,mp4,m4a,3gp,3g2,mj2', 'aac'],
    ['opus', 'opus', 'audio/ogg', 'ogg', 'opus'],
    ['ogg', 'ogg', 'audio/ogg', 'ogg', 'vorbis'],
    ['wav', 'wav', 'audio/wav', 'wav', 'pcm_s16le'],
    ['flac', 'flac', 'audio/flac', 'flac', 'flac'],
  ])('makes %s', async (format, probed, mimetype, container, codec) => {
    const file = await extract('tone.wav', { format });
    expect(file.filename).toBe(`tone.${format}`);
    expect(file.properties).toMatchObject({ kind: 'audio', format: probed, mimetype });
    const out = await readBack(file.path);
    expect(out.container).toBe(container);
    expect(out.audio).toMatchObject({ codec_name: codec });
    expect(Math.abs((await decodedSeconds(file.path)) - 3)).toBeLessThanOrEqual(TWO_FRAMES);
  });

  it('puts the M4A index first and resamples Opus to a rate Opus has', async () => {
    const m4a = await extract('tone.wav', { format: 'm4a' });
    const bytes = readFileSync(m4a.path);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    const opus = await extract('tone.wav', { format: 'opus', sample_rate: 22050 });
    expect((await readBack(opus.path)).audio).toMatchObject({ codec_name: 'opus' });
    // Ogg Opus always decodes at 48 kHz; the header keeps the rate it was coded at.
    const { stdout } = await execFileAsync(toolPaths().ffprobe, [
      '-v',
      'error',
      '-show_entries',
      'stream=sample_rate',
      '-of',
      'csv=p=0',
      opus.path,
    ]);
    expect(stdout.trim()).toBe('48000');
    const wav = await extract('tone.wav', { format: 'wav', channels: 2, sample_rate: 16000 });
    expect((await readBack(wav.path)).audio).toMatchObject({ channels: 2, sample_rate: '16000' });
  });

  it('normalises a quiet recording to -16 LUFS in two passes, the measuring first in the progress', async () => {
    const before = await integratedLoudness(fixture('quiet.wav'));
    expect(before).toBeLessThan(-40);
    const progress: number[] = [];
    const { file } = await handler(
      await context('quiet.wav', { normalize: true, format: 'wav' }, { progress }),
    );
    expect(Math.abs((await integratedLoudness(file!.path)) - -16)).toBeLessThanOrEqual(1);
    // loudnorm works at 192 kHz; the output comes back to 48 kHz.
    expect((await readBack(file!.path)).audio).toMatchObject({ sample_rate: '48000' });
    // The measuring pass reports within its first 30 %, the encode the rest.
    expect(progress[0]).toBeLessThanOrEqual(30);
    expect(progress.some((p) => p > 0 && p <= 30)).toBe(true);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.at(-1)).toBe(100);
  });

  it('leaves silence as it is when asked to normalise it', async () => {
    const file = await extract('hush.wav', { normalize: true });
    expect(file.properties).toMatchObject({ kind: 'audio', format: 'mp3' });
    expect(Math.abs((await decodedSeconds(file.path)) - 2)).toBeLessThanOrEqual(TWO_FRAMES);
  });

  it('fails no_audio_stream on a video without sound, before ffmpeg runs', async () => {
    await expect(failure('silent.mp4', {})).resolves.toMatchObject({
      code: 'no_audio_stream',
      message: 'The video has no audio stream',
    });
  });

  it('fails validation_failed on options the schema refuses', async () => {
    await expect(failure('tone.wav', { bitrate: 500 })).resolves.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'options.bitrate', message: expect.any(String) }],
    });
    await expect(failure('tone.wav', { start: 2, end: 1 })).resolves.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'options.end', message: 'must be greater than start' }],
    });
  });

  it('fails unsupported_input on an image and on a trim past the end', async () => {
    await expect(
      failure('tone.wav', {}, { kind: 'image', has_audio: false, has_video: false }),
    ).resolves.toMatchObject({
      code: 'unsupported_input',
      message: 'Audio cannot be taken from an image file',
    });
    await expect(failure('tone.wav', { start: 5 })).resolves.toMatchObject({
      code: 'unsupported_input',
    });
  });

  it('fails input_unreadable on a cut-off MP4, leaving no partial output', async () => {
    await expect(failure('broken.mp4', {}, { duration: 2 })).resolves.toMatchObject({
      code: 'input_unreadable',
    });
    await expect(
      failure('broken.mp4', { normalize: true }, { duration: 2 }),
    ).resolves.toMatchObject({
      code: 'input_unreadable',
    });
  });

  it.each(['four-cut.m4a', 'four-cut.mp3'])(
    'fails input_unreadable on %s, cut to 40 per cent, saying how much of it was decoded',
    async (name) => {
      const audio = { kind: 'audio' as const, has_video: false, width: null, height: null };
      // As ingest probed it: the 4 s the header declares.
      const declared = (await probeMedia(fixture(name), { maxInputPixels: 1e8 })).duration;
      expect(declared).toBeCloseTo(4, 0);
      const cutShort = {
        code: 'input_unreadable',
        message: expect.stringMatching(
          /^Decoded 1\.\d s of the 4\.0 s the file declares: it is cut short$/,
        ),
      };
      await expect(failure(name, {}, { ...audio, duration: declared })).resolves.toMatchObject(
        cutShort,
      );
      await expect(
        failure(name, { normalize: true }, { ...audio, duration: declared }),
      ).resolves.toMatchObject(cutShort);
    },
  );

  it.each(['four.m4a', 'four.mp3'])('completes %s whole', async (name) => {
    const file = await extract(name, {});
    expect(file.properties.duration).toBeCloseTo(4, 0);
  });

  it('fails cancelled when the task is cancelled before ffmpeg starts', async () => {
    await expect(failure('tone.wav', {}, undefined, AbortSignal.abort())).resolves.toMatchObject({
      code: 'cancelled',
    });
  });
});
