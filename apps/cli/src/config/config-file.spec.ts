import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readConfigFile, writeConfigFile } from './config-file';

describe('the config file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mediaflow-cli-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written readable by its owner only, in a folder only they can enter, and read back', () => {
    const file = path.join(dir, 'a', 'mediaflow', 'config.json');
    writeConfigFile(file, { url: 'http://x', api_key: 'mf_1' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readConfigFile(file)).toEqual({ url: 'http://x', api_key: 'mf_1' });
  });

  it('replaces a file others could read with one they cannot', () => {
    const file = path.join(dir, 'b', 'config.json');
    mkdirSync(path.dirname(file));
    writeFileSync(file, '{}', { mode: 0o644 });
    writeConfigFile(file, { url: 'http://y', api_key: 'mf_2' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: 'http://y', api_key: 'mf_2' });
  });

  it('is none yet: undefined', () => {
    expect(readConfigFile(path.join(dir, 'missing.json'))).toBeUndefined();
  });
});
