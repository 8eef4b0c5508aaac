import type { Readable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TASK_MESSAGE_VERSION,
  newId,
  type StoredFile,
  type TaskDispatch,
  type TaskKind,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { probeMedia } from '@mediaflow/media';
import { createSpeechMedia, createTestVideo, TaskHarness } from '@mediaflow/testing';
import { WebVTTParser } from 'webvtt-parser';
import { startSubtitlesWorker } from '../src/bootstrap';
import { subtitlesWorkerConfigSchema } from '../src/config';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The worker as it runs in production: the real JetStream transport on the
// local NATS (a prefix of its own), local storage, the local speech provider.
describe('worker-subtitles on JetStream', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'subtitles-it-'));
  const harness = new TaskHarness();
  const projectId = newId('prj');

  beforeAll(async () => {
    await harness.start((env) =>
      startSubtitlesWorker(parseConfig(subtitlesWorkerConfigSchema, env), { shutdownHooks: false }),
    );
  });
  afterAll(async () => {
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function storedInput(file: string): Promise<StoredFile> {
    const id = newId('file');
    const key = `projects/${projectId}/files/${id}/source`;
    await harness.storage.putFile(key, file);
    return {
      ...(await probeMedia(file, { maxInputPixels: 100_000_000 })),
      id,
      project_id: projectId,
      filename: path.basename(file),
      ref: null,
      task_id: null,
      storage_key: key,
      created_at: Math.floor(Date.now() / 1000),
    };
  }

  function dispatch(
    kind: TaskKind,
    input: StoredFile,
    options: Record<string, unknown> = {},
  ): TaskDispatch {
    return {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: projectId,
      kind,
      options,
      input,
      source_url: null,
      ref: null,
    };
  }

  it('runs speech and subtitles tasks on a video with speech and stores the WebVTT track', async () => {
    const video = path.join(dir, 'talk.mp4');
    await createSpeechMedia(
      video,
      'Hello world. The weather is nice today. One two three four five six seven.',
    );
    const input = await storedInput(video);

    const speech = await harness.run(dispatch('speech', input), 60_000);
    expect(speech).toMatchObject({ type: 'completed', kind: 'speech' });
    if (speech.type !== 'completed') return;
    expect(speech.result.data).toMatchObject({
      language: 'en',
      provider: 'local (pocketsphinx en-us)',
    });
    expect((speech.result.data as any).text).toContain('nice today');

    const task = dispatch('subtitles', input);
    const subtitles = await harness.run(task, 60_000);
    expect(subtitles).toMatchObject({ type: 'completed', kind: 'subtitles' });
    if (subtitles.type !== 'completed') return;
    const file = subtitles.result.file!;
    expect(file).toMatchObject({
      kind: 'track',
      format: 'vtt',
      mimetype: 'text/vtt',
      language: 'en',
      duration: input.duration,
      filename: 'talk.vtt',
    });
    expect(file.storage_key).toBe(`projects/${projectId}/tasks/${task.task_id}/1/talk.vtt`);
    const text = (await readAll((await harness.storage.get(file.storage_key)).stream)).toString(
      'utf8',
    );
    expect(text.length).toBe(file.filesize);
    const parsed = new WebVTTParser().parse(text, 'subtitles');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues.map((cue) => cue.text).join(' ')).toContain('nice today');
    expect(harness.typesOf(task.task_id)).toContain('progress');
  });

  it('fails a subtitles task on a video without sound with no_audio_stream, not worth a retry', async () => {
    const silent = path.join(dir, 'silent.mp4');
    await createTestVideo(silent, { seconds: 1, audio: false });
    const event = await harness.run(dispatch('subtitles', await storedInput(silent)));
    expect(event).toMatchObject({
      type: 'failed',
      retryable: false,
      error: { code: 'no_audio_stream', message: 'The video has no audio stream to transcribe' },
    });
  });
});
