import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFfmpeg } from '@mediaflow/media';
import { readSpeechAudio } from './audio-levels';

describe('readSpeechAudio', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'speech-levels-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a WAV ffmpeg made: its layout, and a sine tone’s steady level', async () => {
    const wav = path.join(dir, 'tone.wav');
    // ffmpeg's sine is at 1/8 of full scale: RMS 20·log10(0.125/√2) ≈ -21.1 dBFS.
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=400:sample_rate=16000:duration=1.5',
        '-c:a',
        'pcm_s16le',
        '-y',
        wav,
      ],
      { signal: new AbortController().signal, timeoutMs: 30_000 },
    );
    const audio = await readSpeechAudio(wav);
    expect(audio.sampleCount).toBe(24_000);
    expect(audio.layout).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16 });
    expect(audio.levels).toHaveLength(150);
    for (const level of audio.levels) expect(level).toBeCloseTo(-21.1, 0);
  });

  it('refuses a WAV that is not the recognisers’ format', async () => {
    const wav = path.join(dir, 'stereo.wav');
    await runFfmpeg(
      ['-f', 'lavfi', '-i', 'sine=duration=0.2', '-ac', '2', '-c:a', 'pcm_s16le', '-y', wav],
      { signal: new AbortController().signal, timeoutMs: 30_000 },
    );
    await expect(readSpeechAudio(wav)).rejects.toThrow('must be 16 kHz mono 16-bit PCM');
  });
});
