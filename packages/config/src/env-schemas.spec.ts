import { z } from 'zod';
import { ConfigError } from './config-error';
import {
  checkNatsEnv,
  checkStorageEnv,
  databaseEnv,
  migrateConfigSchema,
  migrateOnStartEnv,
  natsCredentials,
  natsEnv,
  storageConfigSchema,
  storageEnv,
  storageSettings,
} from './env-schemas';
import { parseConfig } from './load-config';

const problem = (env: Record<string, string>) => {
  try {
    parseConfig(storageConfigSchema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('storageEnv', () => {
  it('defaults to the local directory, with S3 settings that work once a bucket is named', () => {
    const config = parseConfig(storageConfigSchema, {});
    // Defaults are applied where settings are made, so configs built in code need not name them.
    expect(config).toEqual({});
    expect(storageSettings(config)).toEqual({ driver: 'local' });
    expect(storageSettings({ MEDIAFLOW_STORAGE: 'local', MEDIAFLOW_S3_BUCKET: 'unused' })).toEqual({
      driver: 'local',
    });
    // Without an endpoint: AWS, virtual-hosted buckets, the SDK's credential chain.
    expect(
      storageSettings(
        parseConfig(storageConfigSchema, { MEDIAFLOW_STORAGE: 's3', MEDIAFLOW_S3_BUCKET: 'media' }),
      ),
    ).toEqual({
      driver: 's3',
      s3: { bucket: 'media', region: 'us-east-1', forcePathStyle: false },
    });
  });

  it('reads every S3 setting; an endpoint turns path-style on unless told otherwise', () => {
    const env = {
      MEDIAFLOW_STORAGE: 's3',
      MEDIAFLOW_S3_BUCKET: 'mediaflow-files',
      MEDIAFLOW_S3_REGION: 'auto',
      MEDIAFLOW_S3_ENDPOINT: 'http://127.0.0.1:9000',
      MEDIAFLOW_S3_ACCESS_KEY_ID: 'minioadmin',
      MEDIAFLOW_S3_SECRET_ACCESS_KEY: 'minio-secret',
      MEDIAFLOW_S3_PREFIX: 'installs/one/',
    };
    expect(storageSettings(parseConfig(storageConfigSchema, env))).toEqual({
      driver: 's3',
      s3: {
        bucket: 'mediaflow-files',
        region: 'auto',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        credentials: { accessKeyId: 'minioadmin', secretAccessKey: 'minio-secret' },
        prefix: 'installs/one/',
      },
    });
    const virtualHosted = parseConfig(storageConfigSchema, {
      ...env,
      MEDIAFLOW_S3_FORCE_PATH_STYLE: 'false',
    });
    expect(storageSettings(virtualHosted)).toMatchObject({ s3: { forcePathStyle: false } });
  });

  it('refuses s3 without a bucket, with one clear line', () => {
    expect(problem({ MEDIAFLOW_STORAGE: 's3' })).toBe(
      'Invalid configuration: MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3',
    );
    // An empty value is unset.
    expect(problem({ MEDIAFLOW_STORAGE: 's3', MEDIAFLOW_S3_BUCKET: '' })).toContain(
      'MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3',
    );
    // A bucket alone is fine for the local driver: it is simply not used.
    expect(
      storageSettings(parseConfig(storageConfigSchema, { MEDIAFLOW_S3_BUCKET: 'media' })),
    ).toEqual({ driver: 'local' });
  });

  it.each([
    [{ MEDIAFLOW_STORAGE: 'gcs' }, 'MEDIAFLOW_STORAGE must be one of local, s3 (got "gcs")'],
    [{ MEDIAFLOW_S3_BUCKET: 'My_Bucket' }, 'MEDIAFLOW_S3_BUCKET must be a bucket name'],
    [
      { MEDIAFLOW_S3_ENDPOINT: 'minio:9000' },
      'MEDIAFLOW_S3_ENDPOINT must be an http:// or https:// URL',
    ],
    [
      { MEDIAFLOW_S3_ENDPOINT: 'http://key:secret@minio:9000' },
      'MEDIAFLOW_S3_ENDPOINT must not hold credentials: set MEDIAFLOW_S3_ACCESS_KEY_ID',
    ],
    [
      { MEDIAFLOW_S3_FORCE_PATH_STYLE: 'yes' },
      'MEDIAFLOW_S3_FORCE_PATH_STYLE must be true or false',
    ],
    [{ MEDIAFLOW_S3_PREFIX: '../up' }, 'MEDIAFLOW_S3_PREFIX must be a relative path'],
    [{ MEDIAFLOW_S3_PREFIX: 'a//b' }, 'MEDIAFLOW_S3_PREFIX must be a relative path'],
    [
      { MEDIAFLOW_S3_ACCESS_KEY_ID: 'id' },
      'MEDIAFLOW_S3_SECRET_ACCESS_KEY must be set with MEDIAFLOW_S3_ACCESS_KEY_ID',
    ],
    [
      { MEDIAFLOW_S3_SECRET_ACCESS_KEY: 'secret' },
      'MEDIAFLOW_S3_ACCESS_KEY_ID must be set with MEDIAFLOW_S3_SECRET_ACCESS_KEY',
    ],
  ])('refuses %j', (env, message) => {
    expect(problem(env)).toContain(message);
  });

  it('is checked wherever it is spread, beside other settings', () => {
    const schema = z
      .object({ ...storageEnv, OTHER: z.string().default('x') })
      .superRefine(checkStorageEnv);
    expect(() => parseConfig(schema, { MEDIAFLOW_STORAGE: 's3' })).toThrow(
      /MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3/,
    );
  });

  it('will not build S3 settings without a bucket, even from an unchecked config', () => {
    expect(() => storageSettings({ MEDIAFLOW_STORAGE: 's3' })).toThrow(ConfigError);
  });
});

describe('natsEnv', () => {
  const natsSchema = z.object(natsEnv).superRefine(checkNatsEnv);
  const parse = (env: Record<string, string>) => parseConfig(natsSchema, env);
  const refused = (env: Record<string, string>) => {
    try {
      parse(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('connects to the local NATS without credentials, one stream copy, when nothing is set', () => {
    const config = parse({});
    expect(natsCredentials(config)).toEqual({ url: 'nats://127.0.0.1:4222' });
    expect(config.MEDIAFLOW_STREAM_REPLICAS).toBeUndefined();
    expect(config.NATS_AUTH_REQUIRED).toBeUndefined();
  });

  it("takes a cluster's servers, separated by commas, and this app's user", () => {
    const config = parse({
      NATS_URL: 'nats://nats-0.nats:4222, nats://nats-1.nats:4222,tls://nats-2.nats:4222',
      NATS_USER: 'scheduler',
      NATS_PASSWORD: 's3cret',
      NATS_AUTH_REQUIRED: 'true',
      MEDIAFLOW_STREAM_REPLICAS: '3',
    });
    expect(natsCredentials(config)).toEqual({
      url: 'nats://nats-0.nats:4222, nats://nats-1.nats:4222,tls://nats-2.nats:4222',
      user: 'scheduler',
      password: 's3cret',
    });
    expect(config.MEDIAFLOW_STREAM_REPLICAS).toBe(3);
  });

  it.each([
    [{ NATS_URL: 'nats://a:4222,http://b' }, 'NATS_URL must be a nats:// or tls:// URL'],
    [{ NATS_USER: 'worker' }, 'NATS_PASSWORD NATS_USER and NATS_PASSWORD go together'],
    [{ NATS_PASSWORD: 'x' }, 'NATS_USER NATS_USER and NATS_PASSWORD go together'],
    [{ NATS_AUTH_REQUIRED: 'true' }, 'NATS_AUTH_REQUIRED is on: set NATS_USER and NATS_PASSWORD'],
    [{ NATS_AUTH_REQUIRED: 'yes' }, 'NATS_AUTH_REQUIRED must be true or false'],
    [{ MEDIAFLOW_STREAM_REPLICAS: '0' }, 'MEDIAFLOW_STREAM_REPLICAS'],
    [{ MEDIAFLOW_STREAM_REPLICAS: '7' }, 'MEDIAFLOW_STREAM_REPLICAS'],
  ])('refuses %j', (env, message) => {
    expect(refused(env)).toContain(message);
  });
});

describe('databaseEnv', () => {
  const schema = z.object(databaseEnv);

  it('opens pools of 10 connections unless told otherwise', () => {
    expect(parseConfig(schema, {}).DATABASE_POOL_SIZE).toBe(10);
    expect(parseConfig(schema, { DATABASE_POOL_SIZE: '4' }).DATABASE_POOL_SIZE).toBe(4);
  });

  it.each(['0', '201', '2.5', 'ten'])('refuses a pool of %s', (value) => {
    expect(() => parseConfig(schema, { DATABASE_POOL_SIZE: value })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe('migrateOnStartEnv', () => {
  const schema = z.object(migrateOnStartEnv);

  it.each([
    [{}, true],
    [{ MEDIAFLOW_MIGRATE_ON_START: 'true' }, true],
    [{ MEDIAFLOW_MIGRATE_ON_START: 'false' }, false],
    // Empty means unset, as everywhere.
    [{ MEDIAFLOW_MIGRATE_ON_START: '' }, true],
  ])('reads %j as %s', (env, expected) => {
    expect(parseConfig(schema, env).MEDIAFLOW_MIGRATE_ON_START).toBe(expected);
  });

  it.each(['0', 'no', 'FALSE'])('refuses %s in one line', (value) => {
    expect(() => parseConfig(schema, { MEDIAFLOW_MIGRATE_ON_START: value })).toThrow(
      new ConfigError(
        `Invalid configuration: MEDIAFLOW_MIGRATE_ON_START must be true or false (got "${value}")`,
      ),
    );
  });
});

describe('migrateConfigSchema', () => {
  it('reads the database and the log level, and nothing a migrations Job would have to be given', () => {
    expect(
      parseConfig(migrateConfigSchema, {
        DATABASE_URL: 'postgres://app@db:5432/mediaflow',
        // A service would refuse these; the migrate command does not read them.
        NATS_AUTH_REQUIRED: 'true',
        NATS_URL: 'http://not-nats',
        MEDIAFLOW_API_KEY: 'short',
      }),
    ).toEqual({ LOG_LEVEL: 'info', DATABASE_URL: 'postgres://app@db:5432/mediaflow' });
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(() => parseConfig(migrateConfigSchema, { DATABASE_URL: 'mysql://db/x' })).toThrow(
      /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });
});
