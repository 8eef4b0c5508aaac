import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createStorage } from './create-storage';
import { LocalStorage } from './local-storage';
import { canPresign } from './storage';

describe('createStorage', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mediaflow-create-storage-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes the local driver under <dataDir>/files, which cannot presign', async () => {
    const storage = createStorage({ driver: 'local' }, dataDir);
    expect(storage).toBeInstanceOf(LocalStorage);
    expect(canPresign(storage)).toBe(false);
    await storage.put('projects/p/a.txt', Readable.from([Buffer.from('local')]));
    await expect(readFile(join(dataDir, 'files/projects/p/a.txt'), 'utf8')).resolves.toBe('local');
  });
});
