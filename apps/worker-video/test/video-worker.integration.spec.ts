import { TASK_MESSAGE_VERSION, newId, type TaskDispatch } from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { FixtureServer, Fixtures, TaskHarness } from '@mediaflow/testing';
import type { Readable } from 'node:stream';
import { startVideoWorker } from '../src/bootstrap';
import { videoWorkerConfigSchema } from '../src/config';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// The worker as it runs in production: the real JetStream transport on the
// local NATS (a prefix of its own), local storage in a temp directory, and
// sources served from loopback with only 127.0.0.1 allowed.
describe('worker-video on JetStream', () => {
  const fixtures = new Fixtures();
  const harness = new TaskHarness();
  const projectId = newId('prj');
  let files: FixtureServer;

  beforeAll(async () => {
    await fixtures.video('clip.mp4', 320, 240, 2);
    files = await FixtureServer.start(fixtures.dir);
    await harness.start((env) =>
      startVideoWorker(
        parseConfig(videoWorkerConfigSchema, { ...env, MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1' }),
        { shutdownHooks: false },
      ),
    );
  });

  afterAll(async () => {
    await harness.stop();
    await files?.close();
    fixtures.remove();
  });

  function ingest(url: string): TaskDispatch {
    return {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: projectId,
      kind: 'ingest',
      options: {},
      input: null,
      source_url: url,
      ref: 'source',
    };
  }

  it('ingests a URL: downloads, probes and stores the source file', async () => {
    const task = ingest(files.url('clip.mp4'));
    const event = await harness.run(task);
    expect(event).toMatchObject({ type: 'completed', kind: 'ingest' });
    if (event.type !== 'completed') return;
    const file = event.result.file!;
    expect(file).toMatchObject({
      kind: 'video',
      width: 320,
      height: 240,
      has_audio: true,
      has_video: true,
      filename: 'clip.mp4',
    });
    expect(file.duration).toBeCloseTo(2, 0);
    expect(file.storage_key).toBe(`projects/${projectId}/tasks/${task.task_id}/1/clip.mp4`);
    const stored = await readAll((await harness.storage.get(file.storage_key)).stream);
    expect(stored.equals(fixtures.bytes('clip.mp4'))).toBe(true);
    expect(file.filesize).toBe(stored.length);
  });

  it('fails a redirect to an address off the allow list with input_forbidden, not worth a retry', async () => {
    const elsewhere = files.url('clip.mp4').replace('127.0.0.1', '127.0.0.2');
    const event = await harness.run(ingest(files.redirectTo(elsewhere)));
    expect(event).toMatchObject({
      type: 'failed',
      retryable: false,
      error: {
        code: 'input_forbidden',
        message:
          '127.0.0.2 is a loopback address, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
      },
    });
  });

  it('fails a 404 with input_unreachable', async () => {
    const event = await harness.run(ingest(files.url('missing.mp4')));
    expect(event).toMatchObject({
      type: 'failed',
      retryable: false,
      error: { code: 'input_unreachable' },
    });
  });
});
