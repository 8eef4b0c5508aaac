import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  MediaflowError,
  TASK_MESSAGE_VERSION,
  newId,
  type MediaProperties,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { probeMedia, runFfmpeg, toolPaths } from '@mediaflow/media';
import { createTestAudio, createTestVideo } from '@mediaflow/testing';
import type { HandlerResult, TaskContext } from '@mediaflow/worker-kit';
import { WebVTTParser, type Cue } from 'webvtt-parser';
import { planFrames } from '../src/thumbnails/frame-plan';
import { chooseExtraction } from '../src/thumbnails/sprite-args';
import { frameSize, spriteLayout } from '../src/thumbnails/sprite-layout';
import { renderSprite } from '../src/thumbnails/sprite-renderer';
import { thumbnailsHandler } from '../src/thumbnails/thumbnails.handler';

const execFileAsync = promisify(execFile);
const MAX_PIXELS = 100_000_000;
const NTSC = 30000 / 1001;

// The handler as the runner calls it, with the real ffmpeg and ffprobe on
// media made here: a work directory holding the input, a real AbortSignal.
describe('thumbnails', () => {
  let fixtures: string;
  const fixture = (name: string) => path.join(fixtures, name);
  const handler = thumbnailsHandler({ maxInputPixels: MAX_PIXELS });
  const workDirs: string[] = [];

  beforeAll(async () => {
    fixtures = await mkdtemp(path.join(tmpdir(), 'mediaflow-thumbnails-'));
    await Promise.all([
      createTestVideo(fixture('landscape.mp4'), {
        seconds: 4,
        width: 320,
        height: 180,
        fps: '30000/1001',
      }),
      createTestVideo(fixture('portrait.mp4'), {
        seconds: 3,
        width: 180,
        height: 320,
        fps: '30000/1001',
        audio: false,
      }),
      // Long enough that 2 frames are grabbed by seeking.
      createTestVideo(fixture('long.mp4'), {
        seconds: 17,
        width: 64,
        height: 36,
        fps: 10,
        audio: false,
      }),
      createTestAudio(fixture('tone.m4a'), { seconds: 2 }),
      // Frame N is a flat grey of luma 16 + 8N, so a sprite cell tells which frame it shows.
      ffmpeg(`-f lavfi -i ${NUMBERED} ${LOSSLESS}`, fixture('numbered.mp4')),
      // The same frames with 2 s of sound: the last second of the file has no picture of its own.
      ffmpeg(
        `-f lavfi -i ${NUMBERED} -f lavfi -i sine=duration=2 ${LOSSLESS} -c:a aac`,
        fixture('numbered-long-sound.mp4'),
      ),
      // A phone video: stored 320x180, shown upright (rotation in the container).
      createTestVideo(fixture('stored-sideways.mp4'), {
        seconds: 2,
        width: 320,
        height: 180,
        audio: false,
      }).then(() =>
        ffmpeg(
          ['-i', fixture('stored-sideways.mp4'), '-c copy -metadata:s:v:0 rotate=90'],
          fixture('sideways.mp4'),
        ),
      ),
      ffmpeg('-f lavfi -i testsrc2=size=64x36:rate=25 -t 0', fixture('empty.mp4')),
      writeFile(
        fixture('corrupt.mp4'),
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all(
      [fixtures, ...workDirs].map((dir) => rm(dir, { recursive: true, force: true })),
    );
  });

  /** A work directory holding the input, as the runner makes it, and the context the handler gets. */
  async function contextFor(
    name: string,
    options: Record<string, unknown>,
    signal = new AbortController().signal,
  ): Promise<TaskContext & { progressSeen: number[] }> {
    const workDir = await mkdtemp(path.join(tmpdir(), 'mediaflow-task-'));
    workDirs.push(workDir);
    const inputPath = path.join(workDir, 'input');
    await copyFile(fixture(name), inputPath);
    const properties: MediaProperties = await probeMedia(inputPath, {
      maxInputPixels: MAX_PIXELS,
    }).catch(() => ({
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      width: null,
      height: null,
      duration: null,
      fps: null,
      filesize: 1,
      has_audio: false,
      has_video: true,
      language: null,
    }));
    const projectId = newId('prj');
    const task: TaskDispatch = {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: projectId,
      kind: 'thumbnails',
      options,
      input: {
        ...properties,
        id: newId('file'),
        project_id: projectId,
        filename: name,
        ref: 'source',
        task_id: null,
        storage_key: `projects/${projectId}/files/x/${name}`,
        created_at: 0,
      },
      source_url: null,
      ref: 'thumbs',
    };
    const progressSeen: number[] = [];
    return {
      task,
      inputPath,
      workDir,
      signal,
      progress: (p) => progressSeen.push(p),
      progressSeen,
    };
  }

  /** The track parsed by a real WebVTT parser, checked cue by cue against the sprite sheets' real sizes. */
  async function checkTrack(result: HandlerResult, duration: number): Promise<Cue[]> {
    const vtt = await readFile(result.file!.path, 'utf8');
    const parsed = new WebVTTParser().parse(vtt, 'metadata');
    expect(parsed.errors).toEqual([]);
    const sheets = new Map<string, { width: number; height: number }>();
    for (const file of result.linkedFiles ?? []) {
      // Read back from the file itself, not from what the handler says.
      const { width, height } = await probeMedia(file.path, { maxInputPixels: MAX_PIXELS });
      sheets.set(file.filename, { width: width!, height: height! });
      // Stored side by side with the track under the attempt's prefix: the cue URL is just the name.
      expect(path.basename(file.filename)).toBe(file.filename);
    }
    const { cues } = parsed;
    expect(cues.length).toBeGreaterThan(0);
    expect(cues[0]!.startTime).toBe(0);
    cues.forEach((cue, i) => {
      expect(cue.endTime).toBeGreaterThan(cue.startTime);
      if (i > 0) expect(cue.startTime).toBe(cues[i - 1]!.endTime);
      const match = /^([^#]+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue.text);
      expect(match).not.toBeNull();
      const [, image, x, y, w, h] = match!;
      const sheet = sheets.get(decodeURIComponent(image!));
      expect(sheet).toBeDefined();
      expect(Number(x) + Number(w)).toBeLessThanOrEqual(sheet!.width);
      expect(Number(y) + Number(h)).toBeLessThanOrEqual(sheet!.height);
    });
    expect(cues.at(-1)!.endTime).toBeCloseTo(duration, 3);
    return cues;
  }

  const durationOf = async (name: string) =>
    (await probeMedia(fixture(name), { maxInputPixels: MAX_PIXELS })).duration!;

  it('makes 20 frames 160 px wide, 5 across, in a JPEG sprite the track points into', async () => {
    const context = await contextFor('landscape.mp4', {});
    const result = await handler(context);
    expect(result.file).toMatchObject({
      filename: 'thumbs.vtt',
      properties: { kind: 'track', format: 'vtt', mimetype: 'text/vtt' },
    });
    expect(result.linkedFiles).toHaveLength(1);
    expect(result.linkedFiles![0]).toMatchObject({
      filename: 'sprite.jpg',
      properties: { kind: 'image', format: 'jpeg', width: 800, height: 360 },
    });
    const cues = await checkTrack(result, await durationOf('landscape.mp4'));
    expect(cues).toHaveLength(20);
    expect(cues[0]!.text).toBe('sprite.jpg#xywh=0,0,160,90');
    expect(cues[19]!.text).toBe('sprite.jpg#xywh=640,270,160,90');
    expect(Math.max(...context.progressSeen)).toBe(100);
  });

  it('keeps a portrait video upright, in WebP, with the count, width and columns asked', async () => {
    const result = await handler(
      await contextFor('portrait.mp4', {
        count: 7,
        width: 100,
        columns: 3,
        format: 'webp',
        filename: 'scrub.vtt',
      }),
    );
    expect(result.file!.filename).toBe('scrub.vtt');
    // 100 px wide frames of a 9:16 video are 178 px high; 7 frames 3 across take 3 rows.
    expect(result.linkedFiles![0]).toMatchObject({
      filename: 'sprite.webp',
      properties: {
        kind: 'image',
        format: 'webp',
        mimetype: 'image/webp',
        width: 300,
        height: 534,
      },
    });
    const cues = await checkTrack(result, await durationOf('portrait.mp4'));
    expect(cues).toHaveLength(7);
    expect(cues[6]!.text).toBe('sprite.webp#xywh=0,356,100,178');
  });

  it('turns a video stored sideways upright, as players show it', async () => {
    const result = await handler(await contextFor('sideways.mp4', { count: 3 }));
    // 160 px wide frames of the upright 180x320 picture are 284 px high.
    expect(result.linkedFiles![0]!.properties).toMatchObject({ width: 480, height: 284 });
    expect(await checkTrack(result, await durationOf('sideways.mp4'))).toHaveLength(3);
  });

  it('makes a sprite exactly `columns` frames wide when there are enough frames', async () => {
    const result = await handler(await contextFor('landscape.mp4', { count: 12, columns: 4 }));
    expect(result.linkedFiles![0]!.properties).toMatchObject({ width: 640, height: 270 });
    expect(await checkTrack(result, await durationOf('landscape.mp4'))).toHaveLength(12);
  });

  it('makes one frame per interval, the last for what is left', async () => {
    const duration = await durationOf('landscape.mp4');
    const cues = await checkTrack(
      await handler(await contextFor('landscape.mp4', { interval: 1.5 })),
      duration,
    );
    expect(cues.map((c) => [c.startTime, c.endTime])).toEqual([
      [0, 1.5],
      [1.5, 3],
      [3, expect.closeTo(duration, 3)],
    ]);
  });

  it('makes one frame when the interval is longer than the video', async () => {
    const result = await handler(await contextFor('landscape.mp4', { interval: 60 }));
    expect(result.linkedFiles![0]!.properties).toMatchObject({ width: 160, height: 90 });
    expect(await checkTrack(result, await durationOf('landscape.mp4'))).toHaveLength(1);
  });

  it('grabs the frames of long slices by seeking', async () => {
    const duration = await durationOf('long.mp4');
    expect(chooseExtraction(planFrames({ count: 2 }, duration))).toBe('seek');
    const result = await handler(await contextFor('long.mp4', { count: 2 }));
    expect(result.linkedFiles![0]!.properties).toMatchObject({ width: 320, height: 90 });
    expect(await checkTrack(result, duration)).toHaveLength(2);
  });

  describe('shows, for each slice, the frame on screen at its middle', () => {
    /** numbered.mp4 has 28 frames; the frame on screen past its end is the last. */
    const LAST_FRAME = 27;

    it.each([
      ['single-pass', 'numbered.mp4', 8],
      ['seek', 'numbered.mp4', 8],
      // More slices than frames: frames repeat, and none past the last is asked for.
      ['single-pass', 'numbered.mp4', 40],
      // The sound goes on after the picture: the last frame stands for what follows.
      ['single-pass', 'numbered-long-sound.mp4', 4],
      ['seek', 'numbered-long-sound.mp4', 4],
    ] as const)('%s, %s, %d frames', async (extraction, name, count) => {
      const duration = await durationOf(name);
      const plan = planFrames({ count }, duration);
      const layout = spriteLayout(count, frameSize(64, { width: 64, height: 36 }), 8);
      const dir = await mkdtemp(path.join(tmpdir(), 'mediaflow-sprite-'));
      workDirs.push(dir);
      const [sheet] = await renderSprite(
        { input: fixture(name), dir, plan, layout, format: 'jpeg' },
        { signal: new AbortController().signal, extraction },
      );
      const expected = plan.slices.map((s) => Math.min(LAST_FRAME, Math.floor(s.at * NTSC)));
      expect(await frameNumbers(sheet!, layout.columns, layout.rowsPerSheet, count)).toEqual(
        expected,
      );
    });
  });

  describe('inputs it cannot use', () => {
    it.each([
      ['an audio file', 'tone.m4a', 'unsupported_input', /audio file, without a video stream/],
      ['a corrupt file', 'corrupt.mp4', 'input_unreadable', /cannot be read/],
      ['a 0-second video', 'empty.mp4', 'input_unreadable', /no audio or video stream|0 seconds/],
    ])(
      '%s (%s) fails with %s, leaving the work directory as it was',
      async (_, name, code, message) => {
        const context = await contextFor(name, {});
        const error = await handler(context).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MediaflowError);
        expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
        expect(await readdir(context.workDir)).toEqual(['input']);
      },
    );

    it('stops when cancelled, leaving the work directory as it was', async () => {
      const abort = new AbortController();
      const context = await contextFor('long.mp4', { count: 2 }, abort.signal);
      // Cancelled once the first frame is grabbed: the second grab is running or about to.
      const cancelled = handler({
        ...context,
        progress: () => abort.abort(new MediaflowError('cancelled', 'The task was cancelled')),
      });
      await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
      expect(await readdir(context.workDir)).toEqual(['input']);
    });
  });
});

const NUMBERED = "nullsrc=s=64x36:r=30000/1001:d=0.93,geq=lum='16+8*N':cb=128:cr=128";
const LOSSLESS = '-c:v libx264 -qp 0 -pix_fmt yuv420p';

/** Runs ffmpeg with the arguments in `parts` (split on spaces; paths given apart) writing `output`. */
function ffmpeg(parts: string | string[], output: string): Promise<void> {
  const args = [parts].flat().flatMap((part) => (part.startsWith('/') ? [part] : part.split(' ')));
  return runFfmpeg([...args, '-y', output], {
    signal: new AbortController().signal,
    timeoutMs: 60_000,
  });
}

/** Which frame of numbered.mp4 each cell shows, from its average luma. */
async function frameNumbers(
  sheet: string,
  columns: number,
  rows: number,
  count: number,
): Promise<number[]> {
  const { stdout } = await execFileAsync(
    toolPaths().ffmpeg,
    [
      '-v',
      'error',
      '-i',
      sheet,
      '-vf',
      `scale=${columns}:${rows}:flags=area,format=gray`,
      '-f',
      'rawvideo',
      '-',
    ],
    { encoding: 'buffer' },
  );
  // Full-range grey from limited-range luma 16 + 8N.
  return [...stdout.subarray(0, count)].map((grey) => Math.round((grey * 219) / 255 / 8));
}
