import { ConfigError, parseConfig } from '@mediaflow/config';
import { registryConfigSchema } from './config';

describe('registryConfigSchema', () => {
  it('starts with no environment at all: local NATS and PostgreSQL, HTTP on 3001', () => {
    expect(parseConfig(registryConfigSchema, {})).toEqual({
      LOG_LEVEL: 'info',
      HOST: '0.0.0.0',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_REQUEST_TIMEOUT_MS: 10000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mediaflow',
      DATABASE_POOL_SIZE: 10,
      MEDIAFLOW_MIGRATE_ON_START: true,
      PORT: 3001,
    });
  });

  it('applies migrations at start unless MEDIAFLOW_MIGRATE_ON_START is false', () => {
    expect(parseConfig(registryConfigSchema, {}).MEDIAFLOW_MIGRATE_ON_START).toBe(true);
    expect(
      parseConfig(registryConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'true' })
        .MEDIAFLOW_MIGRATE_ON_START,
    ).toBe(true);
    expect(
      parseConfig(registryConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'false' })
        .MEDIAFLOW_MIGRATE_ON_START,
    ).toBe(false);
    expect(() => parseConfig(registryConfigSchema, { MEDIAFLOW_MIGRATE_ON_START: 'off' })).toThrow(
      new ConfigError(
        'Invalid configuration: MEDIAFLOW_MIGRATE_ON_START must be true or false (got "off")',
      ),
    );
  });

  it('refuses a bad value with one line naming it', () => {
    expect(() => parseConfig(registryConfigSchema, { NATS_URL: 'http://x' })).toThrow(ConfigError);
    expect(() => parseConfig(registryConfigSchema, { NATS_URL: 'http://x' })).toThrow(
      /^Invalid configuration: NATS_URL/,
    );
  });

  it('refuses to start without NATS credentials when NATS_AUTH_REQUIRED is on', () => {
    expect(() => parseConfig(registryConfigSchema, { NATS_AUTH_REQUIRED: 'true' })).toThrow(
      'NATS_AUTH_REQUIRED is on: set NATS_USER and NATS_PASSWORD',
    );
    expect(
      parseConfig(registryConfigSchema, {
        NATS_AUTH_REQUIRED: 'true',
        NATS_USER: 'app',
        NATS_PASSWORD: 'secret',
      }),
    ).toMatchObject({ NATS_USER: 'app', NATS_AUTH_REQUIRED: true });
  });
});
