import { qualityToCrf, type VideoQuality } from './video-quality';

describe('quality to CRF', () => {
  // The table documented in video-quality.ts.
  it.each<[VideoQuality, number, number, number, number]>([
    [1, 36, 40, 52, 55],
    ['low', 28, 32, 39, 41],
    [40, 28, 32, 39, 41],
    ['medium', 24, 28, 32, 34],
    ['high', 21, 25, 27, 29],
    ['very_high', 18, 22, 21, 24],
    [100, 16, 20, 18, 20],
  ])('quality %s: x264 %i, x265 %i, vp9 %i, av1 %i', (quality, h264, h265, vp9, av1) => {
    expect([
      qualityToCrf('h264', quality),
      qualityToCrf('h265', quality),
      qualityToCrf('vp9', quality),
      qualityToCrf('av1', quality),
    ]).toEqual([h264, h265, vp9, av1]);
  });

  it('defaults to high', () => {
    expect(qualityToCrf('h264')).toBe(qualityToCrf('h264', 'high'));
  });

  it('gives a better (lower) CRF for every higher quality', () => {
    for (const codec of ['h264', 'h265', 'vp9', 'av1'] as const) {
      for (let q = 2; q <= 100; q++) {
        expect(qualityToCrf(codec, q)).toBeLessThanOrEqual(qualityToCrf(codec, q - 1));
      }
    }
  });

  it('refuses a quality off the scale', () => {
    expect(() => qualityToCrf('h264', 0)).toThrow(RangeError);
    expect(() => qualityToCrf('h264', 50.5)).toThrow(RangeError);
  });
});
