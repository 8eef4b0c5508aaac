import {
  TASK_MESSAGE_VERSION,
  newId,
  type FileKind,
  type StoredFile,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { probeMedia, runFfmpeg } from '@mediaflow/media';
import { createTestVideo, Fixtures, TaskHarness } from '@mediaflow/testing';
import type { TaskContext } from '@mediaflow/worker-kit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startImageWorker } from '../src/bootstrap';
import { imageWorkerConfigSchema } from '../src/config';
import { imageHandlers, nsfwClassifier } from '../src/handlers';

const CLASSES = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'];

/** The data of docs/task-kinds.md: a verdict, a confidence, a probability per class. */
function expectVerdictShape(data: Record<string, any>): void {
  expect(typeof data.nsfw).toBe('boolean');
  expect(data.confidence).toBeGreaterThanOrEqual(0);
  expect(data.confidence).toBeLessThanOrEqual(1);
  expect(Object.keys(data.scores).sort()).toEqual(CLASSES);
  const total = CLASSES.reduce((sum, name) => sum + data.scores[name], 0);
  expect(total).toBeCloseTo(1, 2);
}

function storedFile(kind: FileKind, duration: number | null): StoredFile {
  return {
    id: newId('file'),
    project_id: newId('prj'),
    filename: 'source',
    ref: null,
    task_id: null,
    storage_key: 'k',
    created_at: 0,
    kind,
    mimetype: 'application/octet-stream',
    format: null,
    width: null,
    height: null,
    duration,
    fps: null,
    filesize: 0,
    has_audio: false,
    has_video: kind === 'video',
    language: null,
  };
}

function dispatch(input: StoredFile, options: Record<string, unknown>): TaskDispatch {
  return {
    v: TASK_MESSAGE_VERSION,
    task_id: newId('task'),
    attempt: 1,
    project_id: input.project_id,
    kind: 'nsfw',
    options,
    input,
    source_url: null,
    ref: null,
  };
}

// The nsfw kind inside the worker: the real model on the WASM backend, real
// sharp and ffmpeg, on neutral pictures made here.
describe('nsfw handler (real model and tools)', () => {
  const fixtures = new Fixtures();
  const config = parseConfig(imageWorkerConfigSchema, {});
  // The worker's one classifier, made as the worker makes it, kept to count its loads.
  const classifier = nsfwClassifier(config);
  const handler = imageHandlers(config, { nsfwClassifier: classifier }).nsfw!;
  const pictures: Record<string, string> = {};
  let clip: string;
  let clipDuration: number;
  let workDir: string;

  beforeAll(async () => {
    const svg = (body: string) =>
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">${body}</svg>`);
    pictures.gradient = fixtures.path('gradient.png');
    await sharp(
      svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#1e3c72"/><stop offset="1" stop-color="#2a9d8f"/></linearGradient></defs><rect width="800" height="600" fill="url(#g)"/>',
      ),
    ).toFile(pictures.gradient);
    pictures.shapes = fixtures.path('shapes.webp');
    await sharp(
      svg(
        '<rect width="800" height="600" fill="#f0f0f0"/><circle cx="250" cy="250" r="150" fill="#264653"/><rect x="450" y="280" width="250" height="220" fill="#e9c46a"/><polygon points="400,50 520,220 280,220" fill="#e76f51"/>',
      ),
    ).toFile(pictures.shapes);
    pictures.noise = await fixtures.jpeg('noise.jpg', 1600, 1200);
    pictures.testsrc2 = fixtures.path('testsrc2.png');
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1280x720:rate=25',
        '-frames:v',
        '1',
        '-y',
        pictures.testsrc2,
      ],
      { signal: new AbortController().signal, timeoutMs: 30_000 },
    );
    clip = fixtures.path('clip.mp4');
    await createTestVideo(clip, { seconds: 6, width: 640, height: 360 });
    clipDuration = (await probeMedia(clip, { maxInputPixels: 1e8 })).duration!;
  }, 60_000);
  afterAll(async () => {
    await classifier.dispose();
    fixtures.remove();
  });
  beforeEach(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'nsfw-task-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  function run(input: string, kind: FileKind, options: Record<string, unknown> = {}) {
    const progress: number[] = [];
    const context: TaskContext = {
      task: dispatch(storedFile(kind, kind === 'video' ? clipDuration : null), options),
      inputPath: input,
      workDir,
      signal: new AbortController().signal,
      progress: (percent) => progress.push(percent),
    };
    // The data, as loosely typed as it travels; its shape is what the tests assert.
    return {
      data: handler(context).then((result) => result.data as Record<string, any>),
      progress,
    };
  }

  it.each(['gradient', 'shapes', 'noise', 'testsrc2'])(
    'finds the %s image safe, with the shape of docs/task-kinds.md and no frames',
    async (name) => {
      const data = await run(pictures[name]!, 'image').data;
      expectVerdictShape(data);
      expect(data).toMatchObject({ nsfw: false, frames: [] });
      // Safe by a wide margin, not by a hair under the default threshold.
      expect(data.confidence).toBeGreaterThan(0.8);
      expect(data.confidence).toBeCloseTo(data.scores.neutral + data.scores.drawing, 3);
    },
  );

  it('flags everything at threshold 0 and nothing at threshold 1', async () => {
    const strict = await run(pictures.gradient!, 'image', { threshold: 0 }).data;
    expect(strict.nsfw).toBe(true);
    const { scores } = strict;
    expect(strict.confidence).toBeCloseTo(scores.sexy + scores.porn + scores.hentai, 3);
    const lax = await run(pictures.gradient!, 'image', { threshold: 1 }).data;
    expect(lax.nsfw).toBe(false);
  });

  it('samples as many frames of a video as asked, reports each, and its worst on top', async () => {
    const task = run(clip, 'video', { frames: 5 });
    const data = await task.data;
    expectVerdictShape(data);
    expect(data.nsfw).toBe(false);
    const frames = data.frames as { time: number; scores: Record<string, number> }[];
    expect(frames).toHaveLength(5);
    // Evenly over the clip: the middle of each fifth.
    frames.forEach((frame, i) => expect(frame.time).toBeCloseTo((clipDuration * (i + 0.5)) / 5, 2));
    for (const frame of frames) expect(Object.keys(frame.scores).sort()).toEqual(CLASSES);
    const unsafe = (s: Record<string, number>) => s.sexy! + s.porn! + s.hentai!;
    const worst = Math.max(...frames.map((f) => unsafe(f.scores)));
    expect(unsafe(data.scores)).toBeCloseTo(worst, 4);
    expect(task.progress.at(-1)).toBe(100);
  });

  it('samples 8 frames by default', async () => {
    const data = await run(clip, 'video').data;
    expect(data.frames).toHaveLength(8);
  });

  it('fails a corrupt image with input_unreadable', async () => {
    await fixtures.jpeg('whole.jpg', 1200, 900);
    await expect(
      run(fixtures.truncated('truncated.jpg', 'whole.jpg'), 'image').data,
    ).rejects.toMatchObject({ code: 'input_unreadable' });
  });

  it('refuses a PNG bomb with input_too_large', async () => {
    await expect(run(fixtures.pngBomb('bomb.png'), 'image').data).rejects.toMatchObject({
      code: 'input_too_large',
    });
  });

  // Last: every task above went through the same classifier.
  it('loaded the model once across all those tasks', () => {
    expect(classifier.loads).toBe(1);
  });
});

// The same worker as production runs it, on JetStream: the data reaches the completed event.
describe('worker-image nsfw on JetStream', () => {
  const fixtures = new Fixtures();
  const harness = new TaskHarness();

  beforeAll(async () => {
    await harness.start((env) =>
      startImageWorker(parseConfig(imageWorkerConfigSchema, env), { shutdownHooks: false }),
    );
  });
  afterAll(async () => {
    await harness.stop();
    fixtures.remove();
  });

  it('classifies a stored image and completes with the verdict as data', async () => {
    const file = await fixtures.jpeg('photo.jpg', 640, 480);
    const projectId = newId('prj');
    const id = newId('file');
    const key = `projects/${projectId}/files/${id}/source`;
    await harness.storage.putFile(key, file);
    const input: StoredFile = {
      ...(await probeMedia(file, { maxInputPixels: 100_000_000 })),
      id,
      project_id: projectId,
      filename: 'source',
      ref: null,
      task_id: null,
      storage_key: key,
      created_at: Math.floor(Date.now() / 1000),
    };
    const task = dispatch(input, { threshold: 0.5 });
    const event = await harness.run(task, 60_000);
    expect(event).toMatchObject({ type: 'completed', kind: 'nsfw' });
    if (event.type !== 'completed') return;
    expect(event.result.file).toBeUndefined();
    expectVerdictShape(event.result.data!);
    expect(event.result.data).toMatchObject({ nsfw: false, frames: [] });
  });
});
