import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3_PART_SIZE, S3_QUEUE_SIZE } from './s3-storage';
import { startLocalS3, type LocalS3 } from './testing/local-s3';

const MIB = 1024 * 1024;
const TOTAL = 200 * MIB;

/**
 * What the driver's process may grow by, whatever the body's size:
 * - 48 MiB of live parts: a multipart upload holds S3_QUEUE_SIZE parts in
 *   flight and fills one more, briefly with a copy while lib-storage cuts it:
 *   (4 + 2) × 8 MiB;
 * - 64 MiB of Buffers already let go of (the body's chunks, cut parts): V8
 *   collects them once that much external memory has built up since its
 *   last collection, not before;
 * - 38 MiB for the allocator, the SDK and its sockets.
 * 150 MiB with the default part size and queue. A driver that held the body
 * would pass 200.
 */
const RSS_GROWTH_BOUND = (S3_QUEUE_SIZE + 2) * S3_PART_SIZE + 64 * MIB + 38 * MIB;

/** Lets a plain `node` run the probe's TypeScript, as Jest does, with the swc the repo tests with. */
const REGISTER_TS = join(__dirname, '..', '..', '..', 'scripts', 'register-ts.js');

interface ProbeResult {
  size: number;
  reportedSize: number;
  readBytes: number;
  written: string;
  read: string;
  uploadPeak: number;
  peak: number;
}

describe('S3Storage with a 200 MB body', () => {
  let s3: LocalS3;

  beforeAll(async () => {
    // Reached directly: the signature-checking proxy would run in this process, not the probe's.
    s3 = await startLocalS3({ checkSignatures: false });
  });

  afterAll(async () => {
    await s3?.stop();
  });

  it('streams it up in parts and back down in bounded memory', async () => {
    // The driver alone in a fresh process: s3rver in another, Jest's own memory kept out.
    const probe = join(__dirname, 'testing', 's3-memory.probe.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', REGISTER_TS, probe], {
      cwd: join(__dirname, '..'),
      env: {
        ...process.env,
        S3_PROBE_OPTIONS: JSON.stringify(s3.options),
        S3_PROBE_BYTES: String(TOTAL),
      },
      maxBuffer: 1024 * 1024,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;
    expect(result.size).toBe(TOTAL);
    expect(result.reportedSize).toBe(TOTAL);
    expect(result.readBytes).toBe(TOTAL);
    expect(result.read).toBe(result.written);
    // Seen in the test output when tuning the part size or queue.
    process.stdout.write(
      `S3 200 MB: peak RSS growth ${(result.uploadPeak / MIB).toFixed(1)} MiB putting, ${(result.peak / MIB).toFixed(1)} MiB overall (bound ${RSS_GROWTH_BOUND / MIB} MiB)\n`,
    );
    expect(result.peak).toBeLessThan(RSS_GROWTH_BOUND);
  });
});
