import { ConfigError, parseConfig } from '@mediaflow/config';
import { TASK_KINDS } from '@mediaflow/contracts';
import { TASK_WORKERS, schedulerConfigSchema } from './config';

describe('schedulerConfigSchema', () => {
  it('starts with no environment at all: local NATS and PostgreSQL, HTTP on 3002, the documented defaults', () => {
    expect(parseConfig(schedulerConfigSchema, {})).toEqual({
      LOG_LEVEL: 'info',
      HOST: '0.0.0.0',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_REQUEST_TIMEOUT_MS: 10000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mediaflow',
      DATABASE_POOL_SIZE: 10,
      MEDIAFLOW_MIGRATE_ON_START: true,
      PORT: 3002,
      MEDIAFLOW_DATA_DIR: './.mediaflow',
      MEDIAFLOW_TASK_ACK_WAIT_MS: 30000,
      MEDIAFLOW_TASK_MAX_ATTEMPTS: 3,
      MEDIAFLOW_RECONCILE_INTERVAL_MS: 10000,
      MEDIAFLOW_TASK_STALL_MS: 150000,
      MEDIAFLOW_WEBHOOK_TIMEOUT_MS: 10000,
      MEDIAFLOW_EVENT_CONCURRENCY: 32,
      MEDIAFLOW_EVENT_RETENTION_HOURS: 720,
      MEDIAFLOW_RETENTION_DAYS: 30,
      MEDIAFLOW_RETENTION_DRY_RUN: false,
      MEDIAFLOW_DISPATCH_QUEUE_MIN: 4,
      MEDIAFLOW_INGESTS_PER_PROJECT: 8,
      MEDIAFLOW_WEBHOOK_CONCURRENCY: 16,
      MEDIAFLOW_TASK_TIMEOUT_MS_VIDEO: 3600000,
      MEDIAFLOW_TASK_TIMEOUT_MS_IMAGE: 3600000,
      MEDIAFLOW_TASK_TIMEOUT_MS_SUBTITLES: 3600000,
      MEDIAFLOW_TASK_TIMEOUT_MS_SUMMARY: 3600000,
      MEDIAFLOW_ALLOWED_HOSTS: [],
    });
  });

  it("takes each worker's task time limit from its own variable, else the workers' MEDIAFLOW_TASK_TIMEOUT_MS", () => {
    const config = parseConfig(schedulerConfigSchema, {
      MEDIAFLOW_TASK_TIMEOUT_MS: '7200000',
      MEDIAFLOW_TASK_TIMEOUT_MS_IMAGE: '300000',
      MEDIAFLOW_TASK_TIMEOUT_MS_SUMMARY: '300000',
    });
    expect(config).toMatchObject({
      MEDIAFLOW_TASK_TIMEOUT_MS_VIDEO: 7200000,
      MEDIAFLOW_TASK_TIMEOUT_MS_IMAGE: 300000,
      MEDIAFLOW_TASK_TIMEOUT_MS_SUBTITLES: 7200000,
      MEDIAFLOW_TASK_TIMEOUT_MS_SUMMARY: 300000,
    });
    // The scheduler runs no task: it keeps no limit of its own, only the workers'.
    expect(config).not.toHaveProperty('MEDIAFLOW_TASK_TIMEOUT_MS');
  });

  it('runs every kind on a worker whose time limit it knows', () => {
    for (const declaration of Object.values(TASK_KINDS)) {
      expect(TASK_WORKERS).toContain(declaration.worker);
    }
  });

  it('applies migrations at start unless MEDIAFLOW_MIGRATE_ON_START is false', () => {
    expect(parseConfig(schedulerConfigSchema, {}).MEDIAFLOW_MIGRATE_ON_START).toBe(true);
    expect(
      parseConfig(schedulerConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'true' })
        .MEDIAFLOW_MIGRATE_ON_START,
    ).toBe(true);
    expect(
      parseConfig(schedulerConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'false' })
        .MEDIAFLOW_MIGRATE_ON_START,
    ).toBe(false);
    expect(() => parseConfig(schedulerConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'off' })).toThrow(
      new ConfigError(
        'Invalid configuration: MEDIAFLOW_MIGRATE_ON_START must be true or false (got "off")',
      ),
    );
  });

  it('parses the allow list of webhook hosts as the video worker does', () => {
    expect(
      parseConfig(schedulerConfigSchema, { MEDIAFLOW_ALLOWED_HOSTS: 'hooks.internal, 10.1.0.0/16' })
        .MEDIAFLOW_ALLOWED_HOSTS,
    ).toEqual([
      { type: 'host', name: 'hooks.internal' },
      { type: 'cidr', cidr: expect.any(Object), text: '10.1.0.0/16' },
    ]);
  });

  it('derives the stall time from the ack wait unless it is given', () => {
    expect(
      parseConfig(schedulerConfigSchema, { MEDIAFLOW_TASK_ACK_WAIT_MS: '3000' })
        .MEDIAFLOW_TASK_STALL_MS,
    ).toBe(15000);
    expect(
      parseConfig(schedulerConfigSchema, {
        MEDIAFLOW_TASK_ACK_WAIT_MS: '3000',
        MEDIAFLOW_TASK_STALL_MS: '4000',
      }).MEDIAFLOW_TASK_STALL_MS,
    ).toBe(4000);
  });

  it("keeps the event log as long as the retention's days unless MEDIAFLOW_EVENT_RETENTION_HOURS says otherwise", () => {
    const hours = (env: Record<string, string>) =>
      parseConfig(schedulerConfigSchema, env).MEDIAFLOW_EVENT_RETENTION_HOURS;
    expect(hours({ MEDIAFLOW_RETENTION_DAYS: '7' })).toBe(168);
    expect(hours({ MEDIAFLOW_RETENTION_DAYS: '7', MEDIAFLOW_EVENT_RETENTION_HOURS: '24' })).toBe(
      24,
    );
    // Retention off, and no window of its own: the log is kept for ever too (0).
    expect(hours({ MEDIAFLOW_RETENTION_DAYS: '0' })).toBe(0);
    expect(hours({ MEDIAFLOW_RETENTION_DAYS: '0', MEDIAFLOW_EVENT_RETENTION_HOURS: '48' })).toBe(
      48,
    );
  });

  it('reads the dry run as true or false', () => {
    expect(
      parseConfig(schedulerConfigSchema, { MEDIAFLOW_RETENTION_DRY_RUN: 'true' })
        .MEDIAFLOW_RETENTION_DRY_RUN,
    ).toBe(true);
  });

  it.each([
    ['MEDIAFLOW_TASK_MAX_ATTEMPTS', '0'],
    ['MEDIAFLOW_TASK_ACK_WAIT_MS', 'soon'],
    ['MEDIAFLOW_RECONCILE_INTERVAL_MS', '1.5'],
    ['MEDIAFLOW_EVENT_CONCURRENCY', '0'],
    ['MEDIAFLOW_EVENT_RETENTION_HOURS', '0'],
    ['MEDIAFLOW_RETENTION_DAYS', '-1'],
    ['MEDIAFLOW_RETENTION_DAYS', '1.5'],
    ['MEDIAFLOW_RETENTION_DRY_RUN', 'yes'],
    ['MEDIAFLOW_WEBHOOK_CONCURRENCY', '0'],
    ['MEDIAFLOW_DISPATCH_QUEUE_MIN', '0'],
    ['MEDIAFLOW_INGESTS_PER_PROJECT', '1.5'],
    ['MEDIAFLOW_TASK_TIMEOUT_MS', 'an hour'],
    ['MEDIAFLOW_TASK_TIMEOUT_MS_VIDEO', '999'],
    ['NATS_URL', 'http://x'],
    ['MEDIAFLOW_ALLOWED_HOSTS', '127.0.0.1, http://hooks.internal'],
  ])('refuses %s=%s with one line naming it', (name, value) => {
    expect(() => parseConfig(schedulerConfigSchema, { [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig(schedulerConfigSchema, { [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name}`),
    );
  });

  it('reads the storage settings, and refuses s3 without a bucket in one line', () => {
    const config = parseConfig(schedulerConfigSchema, {
      MEDIAFLOW_STORAGE: 's3',
      MEDIAFLOW_S3_BUCKET: 'media',
      MEDIAFLOW_S3_PREFIX: 'mediaflow/',
    });
    expect(config).toMatchObject({
      MEDIAFLOW_STORAGE: 's3',
      MEDIAFLOW_S3_BUCKET: 'media',
      MEDIAFLOW_S3_PREFIX: 'mediaflow/',
    });
    expect(() => parseConfig(schedulerConfigSchema, { MEDIAFLOW_STORAGE: 's3' })).toThrow(
      new ConfigError(
        'Invalid configuration: MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3',
      ),
    );
  });

  it('refuses to start without NATS credentials when NATS_AUTH_REQUIRED is on', () => {
    expect(() => parseConfig(schedulerConfigSchema, { NATS_AUTH_REQUIRED: 'true' })).toThrow(
      'NATS_AUTH_REQUIRED is on: set NATS_USER and NATS_PASSWORD',
    );
    expect(
      parseConfig(schedulerConfigSchema, {
        NATS_AUTH_REQUIRED: 'true',
        NATS_USER: 'app',
        NATS_PASSWORD: 'secret',
      }),
    ).toMatchObject({ NATS_USER: 'app', NATS_AUTH_REQUIRED: true });
  });
});
