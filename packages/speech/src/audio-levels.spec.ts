import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFfmpeg } from '@mediaflow/media';
import { FLOOR_DB, LevelMeter, readSpeechAudio } from './audio-levels';

/** 16-bit little-endian samples. */
function pcm(samples: number[]): Buffer {
  const bytes = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => bytes.writeInt16LE(sample, i * 2));
  return bytes;
}

describe('LevelMeter', () => {
  it('gives the RMS level of each 10 ms frame in dBFS', () => {
    const meter = new LevelMeter();
    // One frame at full scale (a square wave), one of silence, a partial frame at half scale.
    meter.push(pcm(Array.from({ length: 160 }, (_, i) => (i % 2 ? 32767 : -32768))));
    meter.push(pcm(new Array(160).fill(0)));
    meter.push(pcm(new Array(40).fill(16384)));
    const levels = Array.from(meter.finish());
    expect(levels).toHaveLength(3);
    expect(levels[0]).toBeCloseTo(0, 3);
    expect(levels[1]).toBe(FLOOR_DB);
    expect(levels[2]).toBeCloseTo(-6.02, 2);
  });

  it('gives the same levels however the bytes are split, even inside a sample', () => {
    const bytes = pcm(Array.from({ length: 1000 }, (_, i) => Math.round(Math.sin(i / 7) * 8000)));
    const whole = new LevelMeter();
    whole.push(bytes);
    const split = new LevelMeter();
    for (let i = 0; i < bytes.length; i += 33) split.push(bytes.subarray(i, i + 33));
    expect(Array.from(split.finish())).toEqual(Array.from(whole.finish()));
  });
});

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
