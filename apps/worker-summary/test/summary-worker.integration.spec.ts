import {
  TASK_MESSAGE_VERSION,
  newId,
  type MediaProperties,
  type StoredFile,
  type TaskDispatch,
} from '@mediaflow/contracts';
import { parseConfig } from '@mediaflow/config';
import { probeMedia } from '@mediaflow/media';
import { Fixtures, TaskHarness, freePort } from '@mediaflow/testing';
import { statSync } from 'node:fs';
import sharp from 'sharp';
import { startSummaryWorker } from '../src/bootstrap';
import { summaryWorkerConfigSchema } from '../src/config';

const CAPTIONS = `WEBVTT

00:00:00.000 --> 00:00:03.000
The museum opens at nine every morning.

00:00:03.000 --> 00:00:06.000
Guided tours of the museum start at ten and at two.
`;

const TRACK_PROPERTIES: MediaProperties = {
  kind: 'track',
  mimetype: 'text/vtt',
  format: 'vtt',
  width: null,
  height: null,
  duration: null,
  fps: null,
  filesize: 0,
  has_audio: false,
  has_video: false,
  language: 'en',
};

/**
 * A summary worker on JetStream (a prefix of its own), local storage in a
 * temp directory, with the extra environment `env` makes when it starts.
 */
function summaryWorker(env: () => Promise<Record<string, string>> = async () => ({})) {
  const fixtures = new Fixtures();
  const harness = new TaskHarness();
  const projectId = newId('prj');

  beforeAll(async () => {
    const extra = await env();
    await harness.start((base) =>
      startSummaryWorker(parseConfig(summaryWorkerConfigSchema, { ...base, ...extra }), {
        shutdownHooks: false,
      }),
    );
  });
  afterAll(async () => {
    await harness.stop();
    fixtures.remove();
  });

  /** Stores a fixture as a run's source file would be. */
  async function storedInput(file: string, properties?: MediaProperties): Promise<StoredFile> {
    const id = newId('file');
    const key = `projects/${projectId}/files/${id}/source`;
    await harness.storage.putFile(key, file);
    return {
      ...(properties
        ? { ...properties, filesize: statSync(file).size }
        : await probeMedia(file, { maxInputPixels: 100_000_000 })),
      id,
      project_id: projectId,
      filename: 'source',
      ref: null,
      task_id: null,
      storage_key: key,
      created_at: Math.floor(Date.now() / 1000),
    };
  }

  function dispatch(input: StoredFile, options: Record<string, unknown> = {}): TaskDispatch {
    return {
      v: TASK_MESSAGE_VERSION,
      task_id: newId('task'),
      attempt: 1,
      project_id: projectId,
      kind: 'summary',
      options,
      input,
      source_url: null,
      ref: null,
    };
  }

  return { fixtures, harness, storedInput, dispatch };
}

describe('worker-summary on JetStream, local provider', () => {
  const { fixtures, harness, storedInput, dispatch } = summaryWorker();

  it('describes a stored picture by its measured properties', async () => {
    const file = fixtures.path('red.jpg');
    await sharp({ create: { width: 600, height: 900, channels: 3, background: '#c81e1e' } })
      .jpeg()
      .toFile(file);
    const event = await harness.run(dispatch(await storedInput(file)));
    expect(event).toMatchObject({
      type: 'completed',
      kind: 'summary',
      result: {
        data: {
          summary: 'A portrait JPEG image of 600×900 pixels (2:3). Almost entirely red.',
          source: 'properties',
          provider: 'local (image properties)',
        },
      },
    });
  });

  it('summarises a stored VTT track', async () => {
    const input = await storedInput(fixtures.write('captions.vtt', CAPTIONS), TRACK_PROPERTIES);
    const event = await harness.run(dispatch(input, { max_words: 12, style: 'bullets' }));
    expect(event).toMatchObject({
      type: 'completed',
      result: {
        data: {
          summary: '- The museum opens at nine every morning.',
          source: 'track',
          provider: 'local (textrank)',
        },
      },
    });
  });
});

describe('worker-summary on JetStream, an openai provider that is down', () => {
  let port = 0;
  // A port nothing listens on.
  const worker = summaryWorker(async () => {
    port = await freePort();
    return {
      MEDIAFLOW_SUMMARY_PROVIDER: 'openai',
      MEDIAFLOW_SUMMARY_BASE_URL: `http://127.0.0.1:${port}/v1`,
    };
  });

  it('fails with provider_unavailable, worth a retry, naming the URL', async () => {
    const input = await worker.storedInput(
      worker.fixtures.write('captions.vtt', CAPTIONS),
      TRACK_PROPERTIES,
    );
    const event = await worker.harness.run(worker.dispatch(input));
    expect(event).toMatchObject({
      type: 'failed',
      retryable: true,
      error: {
        code: 'provider_unavailable',
        message: `The summary provider at http://127.0.0.1:${port}/v1/chat/completions is unavailable: connection refused (ECONNREFUSED)`,
      },
    });
  });
});
