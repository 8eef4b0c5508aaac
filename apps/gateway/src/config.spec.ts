import { ConfigError, parseConfig } from '@mediaflow/config';
import { gatewayConfigSchema } from './config';

describe('gatewayConfigSchema', () => {
  it('starts with no environment at all', () => {
    expect(parseConfig(gatewayConfigSchema, {})).toMatchObject({
      PORT: 3000,
      MEDIAFLOW_DATA_DIR: './.mediaflow',
      MEDIAFLOW_SIGNED_URL_TTL_S: 3600,
    });
    const config = parseConfig(gatewayConfigSchema, {});
    expect(config.MEDIAFLOW_SIGNING_SECRET).toBeUndefined();
    expect(config.MEDIAFLOW_PUBLIC_URL).toBeUndefined();
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

  it.each([
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
      { MEDIAFLOW_PUBLIC_URL: 'https://media.example.com/?a=1' },
      /MEDIAFLOW_PUBLIC_URL must be an http/,
    ],
  ])('refuses %j with one line naming it', (env, message) => {
    expect(() => parseConfig(gatewayConfigSchema, env)).toThrow(ConfigError);
    expect(() => parseConfig(gatewayConfigSchema, env)).toThrow(message);
  });
});
