import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestAudio } from '@mediaflow/testing';
import { isNormalizable } from './loudnorm-args';
import { measureLoudness } from './loudness-measure';

describe('measureLoudness', () => {
  let dir: string;
  const options = () => ({ signal: new AbortController().signal, timeoutMs: 30_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-loudness-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('measures a quiet tone far below the target, with progress', async () => {
    const quiet = join(dir, 'quiet.wav');
    await createTestAudio(quiet, { seconds: 3, outputArgs: ['-af', 'volume=0.05'] });
    const seen: number[] = [];
    const measured = await measureLoudness(
      quiet,
      {},
      { ...options(), onProgress: (s) => seen.push(s) },
    );
    // A full-scale 440 Hz sine at lavfi's amplitude 1/8 is about -21.8 LUFS; ×0.05 is 26 dB less.
    expect(measured.inputI).toBeGreaterThan(-49);
    expect(measured.inputI).toBeLessThan(-46.5);
    expect(isNormalizable(measured)).toBe(true);
    expect(seen.at(-1)).toBeCloseTo(3, 0);
  });

  it('measures only the trimmed range', async () => {
    const tone = join(dir, 'tone.wav');
    // 2 s of silence, then 2 s of tone.
    await createTestAudio(tone, {
      seconds: 4,
      outputArgs: ['-af', 'volume=enable=lt(t\\,2):volume=0'],
    });
    expect(isNormalizable(await measureLoudness(tone, { end: 1.5 }, options()))).toBe(false);
    expect(isNormalizable(await measureLoudness(tone, { start: 2.5 }, options()))).toBe(true);
  });
});
