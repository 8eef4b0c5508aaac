import { FLOOR_DB, LevelMeter } from './audio-levels';

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
