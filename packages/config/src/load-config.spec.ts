import { z } from 'zod';
import { ConfigError } from './config-error';
import { databaseEnv, natsEnv, port, serviceEnv } from './env-schemas';
import { parseConfig } from './load-config';

const schema = z.object({ ...serviceEnv, ...natsEnv, ...databaseEnv, PORT: port(3000) });

describe('parseConfig', () => {
  it('gives defaults that work out of the box', () => {
    expect(parseConfig(schema, {})).toEqual({
      LOG_LEVEL: 'info',
      HOST: '0.0.0.0',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_REQUEST_TIMEOUT_MS: 10000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mediaflow',
      DATABASE_POOL_SIZE: 10,
      PORT: 3000,
    });
  });

  it('reads and coerces what is set, treating empty strings as unset', () => {
    const config = parseConfig(schema, {
      PORT: '8080',
      LOG_LEVEL: 'debug',
      NATS_URL: '',
      NATS_SUBJECT_PREFIX: 't1',
    });
    expect(config.PORT).toBe(8080);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.NATS_SUBJECT_PREFIX).toBe('t1');
  });

  it('names every bad variable and its value in one line', () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('PORT must be ≤ 65535 (got "70000")');
    expect(message).toContain(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://x")',
    );
    expect(message).toContain('LOG_LEVEL must be one of');
  });

  it('refuses a port that is not a number', () => {
    expect(() => parseConfig(schema, { PORT: 'abc' })).toThrow(/PORT must be a port number/);
  });
});
