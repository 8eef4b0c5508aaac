import {
  TASK_MESSAGE_VERSION,
  newId,
  type FileKind,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import type { HandlerFile, TaskContext, TaskHandler } from '@mediaflow/worker-kit';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Fixtures } from '@mediaflow/testing';
import { imageWorkerConfigSchema } from '../config';
import { imageHandlers } from '../handlers';

/** Mean absolute difference of two images' pixels, 0..255, at a common small size. */
async function difference(a: string, b: string): Promise<number> {
  const pixels = (file: string) =>
    sharp(file).resize(160, 90, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const [x, y] = await Promise.all([pixels(a), pixels(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

// The image kind end to end inside the worker: real sharp, ffmpeg and ffprobe
// on fixtures made here.
describe('image handler (real tools)', () => {
  const fixtures = new Fixtures();
  const handler = imageHandlers(parseConfig(imageWorkerConfigSchema, {})).image!;
  let workDir: string;
  let photo: string;
  let alpha: string;
  let clip: string;

  beforeAll(async () => {
    photo = await fixtures.jpeg('photo.jpg', 4000, 3000);
    alpha = await fixtures.pngWithAlpha('alpha.png', 800, 600);
    clip = await fixtures.video('clip.mp4', 1280, 720, 10);
  });
  afterAll(() => fixtures.remove());
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'image-task-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  async function run(
    input: string,
    options: Record<string, unknown>,
    kind: FileKind = 'image',
    ref: string | null = null,
    using: TaskHandler = handler,
  ) {
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: newId('prj'),
      kind: 'image',
      options,
      input: {
        id: newId('file'),
        project_id: newId('prj'),
        filename: path.basename(input),
        ref: null,
        task_id: null,
        storage_key: 'k',
        created_at: 0,
        kind,
        mimetype: 'application/octet-stream',
        format: null,
        width: null,
        height: null,
        duration: kind === 'video' ? 10 : null,
        fps: null,
        filesize: 0,
        has_audio: false,
        has_video: kind === 'video',
        language: null,
      },
      source_url: null,
      ref,
    };
    const context: TaskContext = {
      task,
      inputPath: input,
      workDir,
      signal: new AbortController().signal,
      progress: () => undefined,
    };
    const { file } = await using(context);
    return file as HandlerFile;
  }

  it('resizes a 4000×3000 JPEG to width 320, keeping the aspect and the format', async () => {
    const file = await run(photo, { width: 320 }, 'image', 'small');
    expect(file.filename).toBe('small.jpg');
    expect(file.properties).toMatchObject({
      kind: 'image',
      format: 'jpeg',
      width: 320,
      height: 240,
      filesize: statSync(file.path).size,
    });
    expect(await sharp(file.path).metadata()).toMatchObject({
      format: 'jpeg',
      width: 320,
      height: 240,
    });
  });

  it('converts a PNG with alpha to webp, keeping the transparency', async () => {
    const file = await run(alpha, { width: 400, format: 'webp' });
    const { data, info } = await sharp(file.path).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([400, 300, 4]);
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    expect(alphaAt(50, 150)).toBe(255); // the red half
    expect(alphaAt(350, 150)).toBe(0); // the transparent half
    expect(file.filename).toBe('image.webp');
  });

  it('fits both sides: cover crops, contain pads with the background, fill stretches', async () => {
    const cover = await run(photo, { width: 300, height: 300 });
    expect(cover.properties).toMatchObject({ width: 300, height: 300 });

    const contain = await run(photo, {
      width: 300,
      height: 300,
      fit: 'contain',
      background: '#ff00ff',
      format: 'png',
    });
    expect(contain.properties).toMatchObject({ width: 300, height: 300, format: 'png' });
    const { data, info } = await sharp(contain.path).raw().toBuffer({ resolveWithObject: true });
    // 4:3 in a square: 225 rows of image, bands of padding above and below.
    const pixel = (x: number, y: number) => [
      ...data.subarray(
        (y * info.width + x) * info.channels,
        (y * info.width + x) * info.channels + 3,
      ),
    ];
    expect(pixel(150, 5)).toEqual([255, 0, 255]);
    expect(pixel(150, 295)).toEqual([255, 0, 255]);
    expect(pixel(150, 150)).not.toEqual([255, 0, 255]);

    const fill = await run(photo, { width: 300, height: 100, fit: 'fill' });
    expect(fill.properties).toMatchObject({ width: 300, height: 100 });
  });

  it('makes AVIF', async () => {
    const file = await run(photo, { width: 400, format: 'avif' });
    expect(file.filename).toBe('image.avif');
    expect(file.properties).toMatchObject({ kind: 'image', width: 400, height: 300 });
    expect(await sharp(file.path).metadata()).toMatchObject({ format: 'heif', compression: 'av1' });
  });

  it('makes smaller files at lower quality', async () => {
    const low = await run(photo, { width: 800, quality: 20 });
    const high = await run(photo, { width: 800, quality: 95 }, 'image', 'high');
    expect(low.properties.filesize).toBeLessThan(high.properties.filesize * 0.6);
  });

  it('grabs the frame at start from a 1280×720 video, as jpeg', async () => {
    const file = await run(clip, { start: 2 }, 'video');
    expect(file.properties).toMatchObject({
      kind: 'image',
      format: 'jpeg',
      width: 1280,
      height: 720,
    });
    const at = (seconds: number) => {
      const out = path.join(workDir, `ref-${seconds}.png`);
      execFileSync('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-ss',
        String(seconds),
        '-i',
        clip,
        '-frames:v',
        '1',
        out,
      ]);
      return out;
    };
    // Closer to the frame at 2 s than to frames a second either side.
    const here = await difference(file.path, at(2));
    expect(here).toBeLessThan(await difference(file.path, at(1)));
    expect(here).toBeLessThan(await difference(file.path, at(3)));
  });

  it('picks a representative frame that is not black when no start is given', async () => {
    // The first second is black: a naive first frame would be too.
    const dark = await fixtures.video('dark-start.mp4', 640, 360, 9, { blackLeadSeconds: 1 });
    const file = await run(dark, { width: 320 }, 'video');
    expect(file.properties).toMatchObject({ format: 'jpeg', width: 320, height: 180 });
    const { channels } = await sharp(file.path).stats();
    const brightness = channels.slice(0, 3).reduce((sum, c) => sum + c.mean, 0) / 3;
    expect(brightness).toBeGreaterThan(40);
  });

  it('fails input_unreadable on a truncated JPEG and on zero bytes', async () => {
    await expect(
      run(fixtures.truncated('truncated.jpg', photo), { width: 100 }),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
    await expect(run(fixtures.write('empty.jpg', ''), { width: 100 })).rejects.toMatchObject({
      code: 'input_unreadable',
    });
  });

  it('fails at once with validation_failed, rendering nothing, on a box past MAX_OUTPUT_PIXELS', async () => {
    // Validation refuses it; this is a dispatch from before it did (an older saved automation).
    const tiny = await fixtures.jpeg('tiny.jpg', 64, 64);
    const began = performance.now();
    await expect(run(tiny, { width: 16_384, height: 16_384, fit: 'fill' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [
        {
          path: 'options.height',
          message:
            '16384 × 16384 is 268435456 pixels: an output may have at most 100000000 (width × height)',
        },
      ],
    });
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(readdirSync(workDir)).toEqual([]);
  });

  describe('with MEDIAFLOW_MAX_INPUT_PIXELS at 1000000', () => {
    const limited = imageHandlers(
      parseConfig(imageWorkerConfigSchema, { MEDIAFLOW_MAX_INPUT_PIXELS: '1000000' }),
    ).image!;

    it('makes an output past the input limit: outputs are held to MAX_OUTPUT_PIXELS', async () => {
      const tiny = await fixtures.jpeg('tiny-limited.jpg', 64, 64);
      const file = await run(
        tiny,
        { width: 2000, height: 1000, fit: 'fill' },
        'image',
        null,
        limited,
      );
      expect(file.properties).toMatchObject({ width: 2000, height: 1000 });
    });

    it('still refuses an input past it with input_too_large', async () => {
      const big = await fixtures.jpeg('big-limited.jpg', 1001, 1000);
      await expect(run(big, { width: 100 }, 'image', null, limited)).rejects.toMatchObject({
        code: 'input_too_large',
      });
      const under = await fixtures.jpeg('under-limited.jpg', 1000, 1000);
      expect((await run(under, { width: 100 }, 'image', null, limited)).properties.width).toBe(100);
    });
  });

  it('fails input_too_large on a 30000×30000 PNG, and goes on working', async () => {
    await expect(run(fixtures.pngBomb('bomb.png'), { width: 100 })).rejects.toMatchObject({
      code: 'input_too_large',
    });
    expect((await run(photo, { width: 50 })).properties.width).toBe(50);
  });
});
