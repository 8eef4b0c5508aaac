import {
  TASK_MESSAGE_VERSION,
  newId,
  type MediaProperties,
  type StoredFile,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { probeMedia } from '@mediaflow/media';
import { Fixtures, TaskHarness } from '@mediaflow/testing';
import sharp from 'sharp';
import type { Readable } from 'node:stream';
import { startImageWorker } from '../src/bootstrap';
import { imageWorkerConfigSchema } from '../src/config';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The worker as it runs in production: the real JetStream transport on the
// local NATS (a prefix of its own), local storage in a temp directory.
describe('worker-image on JetStream', () => {
  const fixtures = new Fixtures();
  const harness = new TaskHarness();
  const projectId = newId('prj');

  beforeAll(async () => {
    await harness.start((env) =>
      startImageWorker(parseConfig(imageWorkerConfigSchema, env), { shutdownHooks: false }),
    );
  });

  afterAll(async () => {
    await harness.stop();
    fixtures.remove();
  });

  /** Stores a fixture as a run's source file would be, with its probed properties. */
  async function storedInput(file: string, properties?: MediaProperties): Promise<StoredFile> {
    const id = newId('file');
    const key = `projects/${projectId}/files/${id}/source`;
    await harness.storage.putFile(key, file);
    return {
      ...(properties ?? (await probeMedia(file, { maxInputPixels: 100_000_000 }))),
      id,
      project_id: projectId,
      filename: 'source',
      ref: null,
      task_id: null,
      storage_key: key,
      created_at: Math.floor(Date.now() / 1000),
    };
  }

  function dispatch(
    input: StoredFile,
    options: Record<string, unknown>,
    ref: string | null = null,
  ): TaskDispatch {
    return {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: projectId,
      kind: 'image',
      options,
      input,
      source_url: null,
      ref,
    };
  }

  it('resizes a stored JPEG and reports the probed output it stored', async () => {
    const task = dispatch(
      await storedInput(await fixtures.jpeg('big.jpg', 4000, 3000)),
      { width: 320 },
      'small',
    );
    const event = await harness.run(task);
    expect(event).toMatchObject({ type: 'completed', attempt: 1, kind: 'image' });
    if (event.type !== 'completed') return;
    const file = event.result.file!;
    expect(file).toMatchObject({
      kind: 'image',
      format: 'jpeg',
      width: 320,
      height: 240,
      filename: 'small.jpg',
    });
    expect(file.storage_key).toBe(`projects/${projectId}/tasks/${task.task_id}/1/small.jpg`);

    const stored = await harness.storage.get(file.storage_key);
    const bytes = await readAll(stored.stream);
    expect(bytes.length).toBe(file.filesize);
    expect(await sharp(bytes).metadata()).toMatchObject({
      format: 'jpeg',
      width: 320,
      height: 240,
    });
    expect(harness.typesOf(task.task_id)[0]).toBe('started');
  });

  it('fails a truncated JPEG with input_unreadable, not worth a retry', async () => {
    await fixtures.jpeg('whole.jpg', 1200, 900);
    const input = await storedInput(fixtures.truncated('truncated.jpg', 'whole.jpg'), {
      kind: 'image',
      mimetype: 'image/jpeg',
      format: 'jpeg',
      width: 1200,
      height: 900,
      duration: null,
      fps: null,
      filesize: 1,
      has_audio: false,
      has_video: false,
      language: null,
    });
    const event = await harness.run(dispatch(input, { width: 100 }));
    expect(event).toMatchObject({
      type: 'failed',
      retryable: false,
      error: { code: 'input_unreadable' },
    });
  });
});
