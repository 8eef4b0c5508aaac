import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createStorage } from './create-storage';
import { LocalStorage } from './local-storage';
import { S3Storage } from './s3-storage';
import { canPresign } from './storage';
import { startLocalS3, type LocalS3 } from './testing/local-s3';

describe('createStorage', () => {
  let dataDir: string;
  let s3: LocalS3;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mediaflow-create-storage-'));
    s3 = await startLocalS3();
  });

  afterAll(async () => {
    await s3?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes the local driver under <dataDir>/files, which cannot presign', async () => {
    const storage = createStorage({ driver: 'local' }, dataDir);
    expect(storage).toBeInstanceOf(LocalStorage);
    expect(canPresign(storage)).toBe(false);
    await storage.put('projects/p/a.txt', Readable.from([Buffer.from('local')]));
    await expect(readFile(join(dataDir, 'files/projects/p/a.txt'), 'utf8')).resolves.toBe('local');
  });

  it('makes the S3 driver on the bucket and prefix given, which can presign', async () => {
    const storage = createStorage(
      { driver: 's3', s3: { ...s3.options, prefix: 'made/' } },
      dataDir,
    );
    try {
      expect(storage).toBeInstanceOf(S3Storage);
      expect(canPresign(storage)).toBe(true);
      await storage.put('projects/p/a.txt', Readable.from([Buffer.from('in the bucket')]));
      const plain = new S3Storage(s3.options);
      try {
        const { stream } = await plain.get('made/projects/p/a.txt');
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).toString()).toBe('in the bucket');
      } finally {
        plain.destroy();
      }
    } finally {
      (storage as S3Storage).destroy();
    }
  });
});
