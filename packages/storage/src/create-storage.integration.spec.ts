import { Readable } from 'node:stream';
import { createStorage } from './create-storage';
import { S3Storage } from './s3-storage';
import { canPresign } from './storage';
import { startLocalS3, type LocalS3 } from './testing/local-s3';

// The local driver's case is in create-storage.spec.ts; this one needs the S3 stand-in's process.
describe('createStorage', () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startLocalS3();
  });

  afterAll(async () => {
    await s3?.stop();
  });

  it('makes the S3 driver on the bucket and prefix given, which can presign', async () => {
    // The S3 driver keeps nothing under the data directory.
    const storage = createStorage({ driver: 's3', s3: { ...s3.options, prefix: 'made/' } }, '');
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
