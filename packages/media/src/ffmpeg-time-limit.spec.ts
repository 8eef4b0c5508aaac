import { ffmpegTimeLimitMs } from './ffmpeg-time-limit';

describe('ffmpeg time limit', () => {
  it.each([
    ['a short clip gets the minute', 3, 4, 1, 60_000],
    ['ten minutes of H.264 at 4 s per s', 600, 4, 1, 2_400_000],
    ['ten minutes of AV1 at 12 s per s', 600, 12, 1, 7_200_000],
    ['scaled for a slow machine', 600, 4, 2.5, 6_000_000],
    ['the minute is scaled too', 3, 4, 2, 120_000],
    ['an unknown duration gets an hour', null, 4, 1, 3_600_000],
  ])('%s', (_name, seconds, perSecond, scale, expected) => {
    expect(ffmpegTimeLimitMs(seconds, perSecond, scale)).toBe(expected);
  });
});
