import {
  TASK_MESSAGE_VERSION,
  newId,
  type StoredFile,
  type TaskDispatch,
  type TaskKind,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { listChildProcesses, probeMedia } from '@mediaflow/media';
import { JetStreamTaskTransport } from '@mediaflow/messaging';
import { createTestVideo, NATS_URL, TaskHarness } from '@mediaflow/testing';
import { startWorker } from '@mediaflow/worker-kit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { audioHandler } from '../src/audio/audio.handler';
import { videoWorkerConfigSchema } from '../src/config';
import { videoHandler } from '../src/video/video.handler';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The video and audio kinds inside a worker as it runs in production: the
// real JetStream transport on the local NATS (a prefix of its own), the
// task runner, and local storage in a temp directory.
describe('video and audio tasks on JetStream', () => {
  const harness = new TaskHarness();
  const projectId = newId('prj');
  const fixtures = mkdtempSync(path.join(tmpdir(), 'transcode-it-'));
  let canceller: JetStreamTaskTransport;
  const stored = new Map<string, StoredFile>();

  /** Makes a fixture and stores it as ingest would: probed, under a key of its own. */
  async function store(name: string, make: (file: string) => Promise<void>): Promise<void> {
    const file = path.join(fixtures, name);
    await make(file);
    const key = `projects/${projectId}/sources/${name}`;
    await harness.storage.putFile(key, file);
    const properties = await probeMedia(file, { maxInputPixels: 100_000_000 });
    stored.set(name, {
      ...properties,
      id: newId('file'),
      project_id: projectId,
      filename: name,
      ref: null,
      task_id: null,
      storage_key: key,
      created_at: Date.now(),
    });
  }

  function task(
    kind: TaskKind,
    input: string,
    options: Record<string, unknown>,
    ref: string | null = null,
  ): TaskDispatch {
    return {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: projectId,
      kind,
      options,
      input: stored.get(input)!,
      source_url: null,
      ref,
    };
  }

  beforeAll(async () => {
    await harness.start((env) => {
      const config = parseConfig(videoWorkerConfigSchema, env);
      const settings = { maxInputPixels: config.MEDIAFLOW_MAX_INPUT_PIXELS };
      return startWorker({
        service: 'worker-video',
        handlers: { video: videoHandler(settings), audio: audioHandler(settings) },
        config,
        shutdownHooks: false,
      });
    });
    canceller = await JetStreamTaskTransport.connect({
      url: NATS_URL,
      name: 'canceller',
      subjectPrefix: harness.prefix,
    });
    const fast = ['-preset', 'ultrafast'];
    await Promise.all([
      store('clip.mp4', (f) =>
        createTestVideo(f, {
          seconds: 2,
          width: 640,
          height: 360,
          fps: '30000/1001',
          outputArgs: fast,
        }),
      ),
      store('silent.mp4', (f) =>
        createTestVideo(f, { seconds: 2, width: 320, height: 180, audio: false, outputArgs: fast }),
      ),
      store('long.mp4', (f) =>
        createTestVideo(f, { seconds: 20, width: 640, height: 360, outputArgs: fast }),
      ),
    ]);
  });

  afterAll(async () => {
    await canceller?.close();
    await harness.stop();
    rmSync(fixtures, { recursive: true, force: true });
  });

  it('runs a video task: the transcode stored under the attempt, with progress on the way', async () => {
    const dispatch = task('video', 'clip.mp4', { width: 320, format: 'webm' }, 'web');
    const event = await harness.run(dispatch);
    expect(event).toMatchObject({ type: 'completed', kind: 'video' });
    if (event.type !== 'completed') return;
    const file = event.result.file!;
    expect(file).toMatchObject({
      kind: 'video',
      format: 'webm',
      width: 320,
      height: 180,
      has_audio: true,
      filename: 'web.webm',
    });
    expect(file.storage_key).toBe(`projects/${projectId}/tasks/${dispatch.task_id}/1/web.webm`);
    const bytes = await readAll((await harness.storage.get(file.storage_key)).stream);
    expect(file.filesize).toBe(bytes.length);
    const copy = path.join(fixtures, 'stored.webm');
    writeFileSync(copy, bytes);
    expect(await probeMedia(copy, { maxInputPixels: 1e8 })).toMatchObject({
      format: 'webm',
      width: 320,
      height: 180,
    });
    expect(harness.typesOf(dispatch.task_id)).toEqual(
      expect.arrayContaining(['started', 'progress', 'completed']),
    );
  });

  it('runs an audio task, and fails one on a silent video with no_audio_stream, not worth a retry', async () => {
    const ok = await harness.run(task('audio', 'clip.mp4', { format: 'm4a' }));
    expect(ok).toMatchObject({
      type: 'completed',
      result: { file: { kind: 'audio', format: 'm4a', filename: 'clip.m4a', has_video: false } },
    });
    const failed = await harness.run(task('audio', 'silent.mp4', {}));
    expect(failed).toMatchObject({
      type: 'failed',
      retryable: false,
      error: { code: 'no_audio_stream', message: 'The video has no audio stream' },
    });
  });

  it('cancels a running transcode: ffmpeg stops and the task fails cancelled', async () => {
    const dispatch = task('video', 'long.mp4', { codec: 'h265', quality: 'very_high' });
    const final = harness.run(dispatch, 60_000);
    // Wait until ffmpeg reports, so the cancel lands mid-transcode.
    while (!harness.events.some((e) => e.task_id === dispatch.task_id && e.type === 'progress')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await canceller.cancel({ v: TASK_MESSAGE_VERSION, task_id: dispatch.task_id });
    await expect(final).resolves.toMatchObject({
      type: 'failed',
      retryable: false,
      error: { code: 'cancelled' },
    });
    const ffmpeg = (await listChildProcesses()).filter((c) =>
      c.argv.some((a) => a.includes('ffmpeg')),
    );
    expect(ffmpeg).toEqual([]);
  });
});
