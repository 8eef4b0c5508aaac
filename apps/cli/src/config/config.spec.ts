import { UsageError } from '../cli-errors';
import { configFilePath } from './config-path';
import { normaliseServerUrl, parseStoredConfig, resolveConfig } from './resolve-config';

describe('configFilePath', () => {
  it('is under XDG_CONFIG_HOME when it is set', () => {
    expect(configFilePath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/me' }, '/nowhere')).toBe(
      '/xdg/mediaflow/config.json',
    );
  });

  it('is under ~/.config otherwise, and when XDG_CONFIG_HOME is relative (the spec says to ignore it)', () => {
    expect(configFilePath({ HOME: '/home/me' }, '/nowhere')).toBe(
      '/home/me/.config/mediaflow/config.json',
    );
    expect(configFilePath({ XDG_CONFIG_HOME: 'rel', HOME: '/home/me' }, '/nowhere')).toBe(
      '/home/me/.config/mediaflow/config.json',
    );
    expect(configFilePath({}, '/os/home')).toBe('/os/home/.config/mediaflow/config.json');
  });
});

describe('resolveConfig', () => {
  const stored = { url: 'http://saved:3000', api_key: 'mf_saved' };

  it('takes the config file', () => {
    expect(resolveConfig({}, stored, '/c.json')).toEqual({
      url: 'http://saved:3000',
      apiKey: 'mf_saved',
      sources: { url: 'config', apiKey: 'config' },
    });
  });

  it('lets MEDIAFLOW_URL and MEDIAFLOW_API_KEY override it, each on its own', () => {
    expect(resolveConfig({ MEDIAFLOW_URL: 'https://ci.example.com/' }, stored, '/c.json')).toEqual({
      url: 'https://ci.example.com',
      apiKey: 'mf_saved',
      sources: { url: 'MEDIAFLOW_URL', apiKey: 'config' },
    });
    expect(resolveConfig({ MEDIAFLOW_API_KEY: 'mf_env' }, stored, '/c.json').apiKey).toBe('mf_env');
  });

  it('needs no file when both variables are set', () => {
    expect(
      resolveConfig(
        { MEDIAFLOW_URL: 'http://127.0.0.1:3000', MEDIAFLOW_API_KEY: 'mf_env' },
        undefined,
        '/c.json',
      ),
    ).toMatchObject({ url: 'http://127.0.0.1:3000', apiKey: 'mf_env' });
  });

  it('is a usage error naming what is missing and how to log in', () => {
    expect(() => resolveConfig({}, undefined, '/c.json')).toThrow(UsageError);
    expect(() => resolveConfig({}, undefined, '/c.json')).toThrow(
      'no server URL and no API key configured',
    );
    expect(() => resolveConfig({ MEDIAFLOW_URL: 'http://x' }, undefined, '/c.json')).toThrow(
      /no API key configured .*\/c\.json.*mediaflow login --url/,
    );
  });
});

describe('normaliseServerUrl', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://localhost:3000/', 'http://localhost:3000'],
    ['https://media.example.com/api/', 'https://media.example.com/api'],
  ])('%s → %s', (input, output) => {
    expect(normaliseServerUrl(input, '--url')).toBe(output);
  });

  it.each(['localhost:3000', 'ftp://x', 'not a url', 'http://x/?a=1'])('refuses %s', (input) => {
    expect(() => normaliseServerUrl(input, '--url')).toThrow(UsageError);
  });
});

describe('parseStoredConfig', () => {
  it('reads url and api_key, and ignores other keys', () => {
    expect(parseStoredConfig('{"url":"http://x","api_key":"mf_1","theme":"dark"}', '/c')).toEqual({
      url: 'http://x',
      api_key: 'mf_1',
    });
  });

  it.each(['not json', '[]', '{"url": 3}'])('refuses %s with the file named', (text) => {
    expect(() => parseStoredConfig(text, '/home/me/c.json')).toThrow(/\/home\/me\/c\.json/);
  });
});
