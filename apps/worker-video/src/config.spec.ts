import { ConfigError, parseConfig } from '@mediaflow/config';
import { videoWorkerConfigSchema } from './config';

describe('videoWorkerConfigSchema', () => {
  it('starts with no environment: HTTP on 3003, 2 GiB and 10 minutes per download, nothing private allowed', () => {
    expect(parseConfig(videoWorkerConfigSchema, {})).toMatchObject({
      PORT: 3003,
      MEDIAFLOW_ALLOWED_HOSTS: [],
      MEDIAFLOW_MAX_DOWNLOAD_BYTES: 2_147_483_648,
      MEDIAFLOW_DOWNLOAD_TIMEOUT_MS: 600_000,
      MEDIAFLOW_MAX_INPUT_PIXELS: 100_000_000,
    });
  });

  it('reads the allow list and the limits', () => {
    const config = parseConfig(videoWorkerConfigSchema, {
      MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1, minio.internal, 10.0.0.0/8',
      MEDIAFLOW_MAX_DOWNLOAD_BYTES: '1048576',
      MEDIAFLOW_DOWNLOAD_TIMEOUT_MS: '5000',
    });
    expect(
      config.MEDIAFLOW_ALLOWED_HOSTS.map((e) => (e.type === 'host' ? e.name : e.text)),
    ).toEqual(['127.0.0.1', 'minio.internal', '10.0.0.0/8']);
    expect(config.MEDIAFLOW_MAX_DOWNLOAD_BYTES).toBe(1_048_576);
    expect(config.MEDIAFLOW_DOWNLOAD_TIMEOUT_MS).toBe(5000);
  });

  it('refuses a bad allow-list entry or limit with one line naming it', () => {
    expect(() =>
      parseConfig(videoWorkerConfigSchema, { MEDIAFLOW_ALLOWED_HOSTS: '10.0.0.0/99' }),
    ).toThrow(ConfigError);
    expect(() =>
      parseConfig(videoWorkerConfigSchema, { MEDIAFLOW_ALLOWED_HOSTS: 'ok, 10.0.0.0/99' }),
    ).toThrow(
      'MEDIAFLOW_ALLOWED_HOSTS "10.0.0.0/99" is not a host name, an IP address or a CIDR block (got "ok, 10.0.0.0/99")',
    );
    expect(() =>
      parseConfig(videoWorkerConfigSchema, { MEDIAFLOW_MAX_DOWNLOAD_BYTES: 'lots' }),
    ).toThrow('MEDIAFLOW_MAX_DOWNLOAD_BYTES must be a number of bytes (got "lots")');
  });
});
