/**
 * Run alone in a child process by s3-storage.memory.integration.spec.ts, so that what it
 * measures is the driver's process and nothing else (not Jest, not the
 * stand-in): puts a body of S3_PROBE_BYTES made on the fly, reads it back,
 * and prints one JSON line with the peak RSS growth of each half and the
 * hashes of what went up and came down.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Storage, type S3StorageOptions } from '../s3-storage';

const CHUNK = 64 * 1024;

async function main(): Promise<void> {
  const options = JSON.parse(process.env.S3_PROBE_OPTIONS!) as S3StorageOptions;
  const total = Number(process.env.S3_PROBE_BYTES);
  const storage = new S3Storage(options);

  // Warm up: the SDK's modules and a connection are loaded before the baseline.
  await storage.put('probe/warm-up', Readable.from([Buffer.alloc(1024)]));
  for await (const chunk of (await storage.get('probe/warm-up')).stream) void chunk;

  const baseline = process.memoryUsage().rss;
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss - baseline);
  };
  const sampler = setInterval(sample, 5);

  const written = createHash('sha256');
  const body = Readable.from(
    (function* () {
      for (let i = 0; i < total / CHUNK; i++) {
        // Made on demand, never the whole body; each chunk differs, so parts do too.
        const chunk = Buffer.allocUnsafe(CHUNK).fill(i % 251);
        chunk.writeUInt32BE(i);
        written.update(chunk);
        if (i % 16 === 0) sample();
        yield chunk;
      }
    })(),
  );
  const { size } = await storage.put('probe/big.bin', body);
  sample();
  const uploadPeak = peak;

  const read = createHash('sha256');
  const object = await storage.get('probe/big.bin');
  let readBytes = 0;
  let i = 0;
  for await (const chunk of object.stream) {
    read.update(chunk as Buffer);
    readBytes += (chunk as Buffer).length;
    if (i++ % 16 === 0) sample();
  }
  sample();
  clearInterval(sampler);
  await storage.delete('probe/big.bin');
  storage.destroy();
  process.stdout.write(
    `${JSON.stringify({
      size,
      reportedSize: object.size,
      readBytes,
      written: written.digest('hex'),
      read: read.digest('hex'),
      uploadPeak,
      peak,
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
