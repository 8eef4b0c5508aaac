import { ConfigError, parseConfig } from '@mediaflow/config';
import { gatewayConfigSchema } from './config';

describe('gatewayConfigSchema', () => {
  it('starts with no environment at all', () => {
    expect(parseConfig(gatewayConfigSchema, {})).toMatchObject({
      PORT: 3000,
      MEDIAFLOW_DATA_DIR: './.mediaflow',
      MEDIAFLOW_SIGNED_URL_TTL_S: 3600,
      MEDIAFLOW_MAX_UPLOAD_BYTES: 2 * 1024 ** 3,
      MEDIAFLOW_FILE_WAIT_MS: 120_000,
      MEDIAFLOW_TASK_RECHECK_MS: 5_000,
      MEDIAFLOW_S3_REDIRECT_DOWNLOADS: false,
      MEDIAFLOW_MIGRATE_ON_START: true,
      MEDIAFLOW_RATE_LIMIT_RPS: 100,
      MEDIAFLOW_RUNS_IN_FLIGHT: 1000,
      MEDIAFLOW_RATE_LIMIT_WINDOW_S: 10,
      MEDIAFLOW_AUTH_FAILURE_LIMIT: 30,
      MEDIAFLOW_AUTH_FAILURE_WINDOW_S: 60,
    });
    const config = parseConfig(gatewayConfigSchema, {});
    expect(config.MEDIAFLOW_SIGNING_SECRET).toBeUndefined();
    expect(config.MEDIAFLOW_PUBLIC_URL).toBeUndefined();
  });

  it('applies migrations at start unless MEDIAFLOW_MIGRATE_ON_START is false', () => {
    expect(parseConfig(gatewayConfigSchema, {}).MEDIAFLOW_MIGRATE_ON_START).toBe(true);
    expect(
      parseConfig(gatewayConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'true' })
        .MEDIAFLOW_MIGRATE_ON_START,
    ).toBe(true);
    expect(
      parseConfig(gatewayConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'false' })
        .MEDIAFLOW_MIGRATE_ON_START,
    ).toBe(false);
    expect(() => parseConfig(gatewayConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'off' })).toThrow(
      new ConfigError(
        'Invalid configuration: MEDIAFLOW_MIGRATE_ON_START must be true or false (got "off")',
      ),
    );
  });

  it('reads the storage and signing settings', () => {
    expect(
      parseConfig(gatewayConfigSchema, {
        MEDIAFLOW_DATA_DIR: '/var/lib/mediaflow',
        MEDIAFLOW_SIGNING_SECRET: 's'.repeat(32),
        MEDIAFLOW_SIGNED_URL_TTL_S: '600',
        MEDIAFLOW_PUBLIC_URL: 'https://media.example.com/api/',
      }),
    ).toMatchObject({
      MEDIAFLOW_DATA_DIR: '/var/lib/mediaflow',
      MEDIAFLOW_SIGNING_SECRET: 's'.repeat(32),
      MEDIAFLOW_SIGNED_URL_TTL_S: 600,
      // Without its trailing slash, so that paths join cleanly.
      MEDIAFLOW_PUBLIC_URL: 'https://media.example.com/api',
    });
  });

  it('reads the S3 storage settings and whether downloads are redirected to the bucket', () => {
    expect(
      parseConfig(gatewayConfigSchema, {
        MEDIAFLOW_STORAGE: 's3',
        MEDIAFLOW_S3_BUCKET: 'media',
        MEDIAFLOW_S3_ENDPOINT: 'https://account.r2.cloudflarestorage.com',
        MEDIAFLOW_S3_REGION: 'auto',
        MEDIAFLOW_S3_REDIRECT_DOWNLOADS: 'true',
      }),
    ).toMatchObject({
      MEDIAFLOW_STORAGE: 's3',
      MEDIAFLOW_S3_BUCKET: 'media',
      MEDIAFLOW_S3_ENDPOINT: 'https://account.r2.cloudflarestorage.com',
      MEDIAFLOW_S3_REGION: 'auto',
      MEDIAFLOW_S3_REDIRECT_DOWNLOADS: true,
    });
  });

  it('reads the rate limits', () => {
    expect(
      parseConfig(gatewayConfigSchema, {
        MEDIAFLOW_RATE_LIMIT_RPS: '5',
        MEDIAFLOW_RATE_LIMIT_WINDOW_S: '1',
        MEDIAFLOW_AUTH_FAILURE_LIMIT: '3',
        MEDIAFLOW_AUTH_FAILURE_WINDOW_S: '2',
      }),
    ).toMatchObject({
      MEDIAFLOW_RATE_LIMIT_RPS: 5,
      MEDIAFLOW_RATE_LIMIT_WINDOW_S: 1,
      MEDIAFLOW_AUTH_FAILURE_LIMIT: 3,
      MEDIAFLOW_AUTH_FAILURE_WINDOW_S: 2,
    });
  });

  it.each([
    ['MEDIAFLOW_RATE_LIMIT_RPS', '0', 'must be ≥ 1'],
    ['MEDIAFLOW_RATE_LIMIT_RPS', '10001', 'must be ≤ 10000'],
    ['MEDIAFLOW_RATE_LIMIT_RPS', '2.5', 'must be a whole number'],
    ['MEDIAFLOW_RATE_LIMIT_WINDOW_S', '3601', 'must be ≤ 3600'],
    ['MEDIAFLOW_AUTH_FAILURE_LIMIT', '0', 'must be ≥ 1'],
    ['MEDIAFLOW_AUTH_FAILURE_WINDOW_S', 'soon', 'must be a number of seconds'],
  ])('refuses %s=%s: %s', (name, value, message) => {
    expect(() => parseConfig(gatewayConfigSchema, { [name]: value })).toThrow(
      new ConfigError(`Invalid configuration: ${name} ${message} (got "${value}")`),
    );
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.7', ['10.0.0.0/8', '192.168.1.7']],
    ['fd00::/8', ['fd00::/8']],
  ])('reads MEDIAFLOW_TRUST_PROXY=%s', (value, expected) => {
    const config = parseConfig(gatewayConfigSchema, { MEDIAFLOW_TRUST_PROXY: value });
    expect(config.MEDIAFLOW_TRUST_PROXY).toEqual(expected);
  });

  it.each(['proxy.local', '10.0.0.0/33', '1.2.3.4/8/1'])(
    'refuses MEDIAFLOW_TRUST_PROXY=%s, naming the entry',
    (value) => {
      expect(() => parseConfig(gatewayConfigSchema, { MEDIAFLOW_TRUST_PROXY: value })).toThrow(
        /MEDIAFLOW_TRUST_PROXY must be true, false, a number of hops, or addresses\/CIDR ranges/,
      );
    },
  );

  it('reads the upload settings; a wait of 0 never waits', () => {
    expect(
      parseConfig(gatewayConfigSchema, {
        MEDIAFLOW_MAX_UPLOAD_BYTES: '5000000',
        MEDIAFLOW_FILE_WAIT_MS: '0',
      }),
    ).toMatchObject({ MEDIAFLOW_MAX_UPLOAD_BYTES: 5_000_000, MEDIAFLOW_FILE_WAIT_MS: 0 });
  });

  it.each([
    [{ MEDIAFLOW_MAX_UPLOAD_BYTES: '0' }, /MEDIAFLOW_MAX_UPLOAD_BYTES must be ≥ 1/],
    [{ MEDIAFLOW_MAX_UPLOAD_BYTES: '2GB' }, /MEDIAFLOW_MAX_UPLOAD_BYTES must be a number of bytes/],
    [{ MEDIAFLOW_FILE_WAIT_MS: '-1' }, /MEDIAFLOW_FILE_WAIT_MS must be ≥ 0/],
    [{ MEDIAFLOW_FILE_WAIT_MS: '600000' }, /MEDIAFLOW_FILE_WAIT_MS must be ≤ 150000/],
    [{ MEDIAFLOW_TASK_RECHECK_MS: '10' }, /MEDIAFLOW_TASK_RECHECK_MS must be ≥ 100/],
    [
      { MEDIAFLOW_SIGNING_SECRET: 'short' },
      /MEDIAFLOW_SIGNING_SECRET must be at least 32 characters/,
    ],
    [{ MEDIAFLOW_SIGNED_URL_TTL_S: '0' }, /MEDIAFLOW_SIGNED_URL_TTL_S must be ≥ 1/],
    [{ MEDIAFLOW_SIGNED_URL_TTL_S: '1.5' }, /MEDIAFLOW_SIGNED_URL_TTL_S must be a whole number/],
    [
      { MEDIAFLOW_SIGNED_URL_TTL_S: 'soon' },
      /MEDIAFLOW_SIGNED_URL_TTL_S must be a number of seconds/,
    ],
    [{ MEDIAFLOW_PUBLIC_URL: 'media.example.com' }, /MEDIAFLOW_PUBLIC_URL must be an http/],
    [
      { MEDIAFLOW_STORAGE: 's3' },
      /^Invalid configuration: MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3$/,
    ],
    [
      { MEDIAFLOW_S3_REDIRECT_DOWNLOADS: 'yes' },
      /MEDIAFLOW_S3_REDIRECT_DOWNLOADS must be true or false/,
    ],
    [
      { MEDIAFLOW_PUBLIC_URL: 'https://media.example.com/?a=1' },
      /MEDIAFLOW_PUBLIC_URL must be an http/,
    ],
  ])('refuses %j with one line naming it', (env, message) => {
    expect(() => parseConfig(gatewayConfigSchema, env)).toThrow(ConfigError);
    expect(() => parseConfig(gatewayConfigSchema, env)).toThrow(message);
  });

  it('refuses to start without NATS credentials when NATS_AUTH_REQUIRED is on', () => {
    expect(() => parseConfig(gatewayConfigSchema, { NATS_AUTH_REQUIRED: 'true' })).toThrow(
      'NATS_AUTH_REQUIRED is on: set NATS_USER and NATS_PASSWORD',
    );
    expect(
      parseConfig(gatewayConfigSchema, {
        NATS_AUTH_REQUIRED: 'true',
        NATS_USER: 'app',
        NATS_PASSWORD: 'secret',
      }),
    ).toMatchObject({ NATS_USER: 'app', NATS_AUTH_REQUIRED: true });
  });
});
