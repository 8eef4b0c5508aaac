import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startupApiKey } from './api-key';

describe('startupApiKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'mf-key-')), 'data');
  });
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('generates a key once, keeps it private, and gives the same one at the next start', () => {
    const first = startupApiKey(dir, undefined);
    expect(first.key).toMatch(/^mf_[A-Za-z0-9]{40}$/);
    expect(first.source).toBe(path.join(dir, 'api-key'));
    expect(statSync(first.source).mode & 0o777).toBe(0o600);
    expect(startupApiKey(dir, undefined)).toEqual(first);
  });

  it('uses MEDIAFLOW_API_KEY when it is set, and writes nothing', () => {
    expect(startupApiKey(dir, 'mf_from_the_environment')).toEqual({
      key: 'mf_from_the_environment',
      source: 'MEDIAFLOW_API_KEY',
    });
    expect(() => statSync(dir)).toThrow();
  });
});
