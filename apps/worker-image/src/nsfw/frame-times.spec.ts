import { frameTimes } from './frame-times';

describe('frameTimes', () => {
  it.each([
    // duration, count, times: the middle of each of `count` equal slices
    [10, 1, [5]],
    [10, 2, [2.5, 7.5]],
    [10, 4, [1.25, 3.75, 6.25, 8.75]],
    [8, 8, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]],
    [1, 3, [0.167, 0.5, 0.833]],
    [0.04, 2, [0.01, 0.03]],
  ])('%s s in %s samples', (duration, count, expected) => {
    expect(frameTimes(duration, count)).toEqual(expected);
  });

  it('gives as many times as asked, increasing, inside the video', () => {
    for (const [duration, count] of [
      [3600, 32],
      [2, 32],
      [0.5, 7],
    ] as const) {
      const times = frameTimes(duration, count);
      expect(times).toHaveLength(count);
      expect(times[0]).toBeGreaterThan(0);
      expect(times[count - 1]).toBeLessThan(duration);
      for (let i = 1; i < count; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
    }
  });

  it.each([null, 0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'looks only at the first frame when the duration is %s',
    (duration) => {
      expect(frameTimes(duration, 8)).toEqual([0]);
    },
  );

  it('refuses a count that is not a whole number ≥ 1', () => {
    expect(() => frameTimes(10, 0)).toThrow(RangeError);
    expect(() => frameTimes(10, 1.5)).toThrow(RangeError);
  });
});
