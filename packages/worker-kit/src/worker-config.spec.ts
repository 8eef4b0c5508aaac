import { tmpdir } from 'node:os';
import { ConfigError, parseConfig } from '@mediaflow/config';
import { TASK_KIND_NAMES } from '@mediaflow/contracts';
import { z } from 'zod';
import { kindConcurrencyVariable, workerConcurrency, workerConfigSchema } from './worker-config';

describe('workerConfigSchema', () => {
  const schema = workerConfigSchema(3010);

  it('starts with no environment at all', () => {
    expect(parseConfig(schema, {})).toEqual({
      LOG_LEVEL: 'info',
      HOST: '0.0.0.0',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_REQUEST_TIMEOUT_MS: 10000,
      PORT: 3010,
      MEDIAFLOW_DATA_DIR: './.mediaflow',
      MEDIAFLOW_TASK_ACK_WAIT_MS: 30000,
      MEDIAFLOW_TASK_TIMEOUT_MS: 3600000,
      TMPDIR: tmpdir(),
    });
  });

  it('reads what is set', () => {
    const config = parseConfig(schema, {
      MEDIAFLOW_TASK_ACK_WAIT_MS: '3000',
      MEDIAFLOW_WORKER_CONCURRENCY: '1',
      MEDIAFLOW_DATA_DIR: '/srv/mediaflow',
      TMPDIR: '/scratch',
    });
    expect(config).toMatchObject({
      MEDIAFLOW_TASK_ACK_WAIT_MS: 3000,
      MEDIAFLOW_WORKER_CONCURRENCY: 1,
      MEDIAFLOW_DATA_DIR: '/srv/mediaflow',
      TMPDIR: '/scratch',
    });
  });

  it('refuses bad values with one line naming each', () => {
    let error: unknown;
    try {
      parseConfig(schema, {
        MEDIAFLOW_WORKER_CONCURRENCY: '0',
        MEDIAFLOW_TASK_ACK_WAIT_MS: 'soon',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      'MEDIAFLOW_WORKER_CONCURRENCY must be ≥ 1 (got "0")',
    );
    expect((error as Error).message).toContain(
      'MEDIAFLOW_TASK_ACK_WAIT_MS must be a number of milliseconds (got "soon")',
    );
  });

  describe('concurrency per kind', () => {
    const CORES = 6;
    const of = (env: Record<string, string>) =>
      workerConcurrency(parseConfig(schema, env), TASK_KIND_NAMES, CORES);

    it('runs light kinds 16 at a time and CPU-bound kinds one per core by default', () => {
      expect(of({})).toEqual({
        ingest: 16,
        image: 16,
        nsfw: 16,
        summary: 16,
        video: CORES,
        audio: CORES,
        thumbnails: CORES,
        speech: CORES,
        subtitles: CORES,
      });
    });

    it("takes MEDIAFLOW_WORKER_CONCURRENCY for every kind, and a kind's own variable over it", () => {
      expect(
        of({
          MEDIAFLOW_WORKER_CONCURRENCY: '3',
          MEDIAFLOW_WORKER_CONCURRENCY_IMAGE: '40',
          MEDIAFLOW_WORKER_CONCURRENCY_VIDEO: '1',
        }),
      ).toEqual({
        ingest: 3,
        image: 40,
        nsfw: 3,
        summary: 3,
        video: 1,
        audio: 3,
        thumbnails: 3,
        speech: 3,
        subtitles: 3,
      });
      expect(of({ MEDIAFLOW_WORKER_CONCURRENCY_SPEECH: '2' })).toMatchObject({
        speech: 2,
        subtitles: CORES,
        image: 16,
      });
    });

    it('has a variable for every declared kind, and refuses a bad one naming it', () => {
      for (const kind of TASK_KIND_NAMES)
        expect(Object.keys(schema.shape)).toContain(kindConcurrencyVariable(kind));
      expect(() => parseConfig(schema, { MEDIAFLOW_WORKER_CONCURRENCY_NSFW: '0' })).toThrow(
        'MEDIAFLOW_WORKER_CONCURRENCY_NSFW must be ≥ 1 (got "0")',
      );
    });
  });

  it('reads the storage settings, and refuses s3 without a bucket in one line', () => {
    expect(
      parseConfig(schema, {
        MEDIAFLOW_STORAGE: 's3',
        MEDIAFLOW_S3_BUCKET: 'media',
        MEDIAFLOW_S3_ENDPOINT: 'http://127.0.0.1:9000',
      }),
    ).toMatchObject({
      MEDIAFLOW_STORAGE: 's3',
      MEDIAFLOW_S3_BUCKET: 'media',
      MEDIAFLOW_S3_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(() => parseConfig(schema, { MEDIAFLOW_STORAGE: 's3' })).toThrow(
      new ConfigError(
        'Invalid configuration: MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3',
      ),
    );
  });

  it('keeps the storage check in the schemas workers extend', () => {
    const extended = schema.extend({ MEDIAFLOW_OWN_SETTING: z.string().default('x') });
    expect(() => parseConfig(extended, { MEDIAFLOW_STORAGE: 's3' })).toThrow(
      /MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3/,
    );
  });

  it('refuses to start without NATS credentials when NATS_AUTH_REQUIRED is on', () => {
    expect(() => parseConfig(workerConfigSchema(3005), { NATS_AUTH_REQUIRED: 'true' })).toThrow(
      'NATS_AUTH_REQUIRED is on: set NATS_USER and NATS_PASSWORD',
    );
    expect(
      parseConfig(workerConfigSchema(3005), {
        NATS_AUTH_REQUIRED: 'true',
        NATS_USER: 'app',
        NATS_PASSWORD: 'secret',
      }),
    ).toMatchObject({ NATS_USER: 'app', NATS_AUTH_REQUIRED: true });
  });
});
