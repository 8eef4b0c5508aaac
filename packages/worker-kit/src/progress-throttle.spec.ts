import { ProgressThrottle } from './progress-throttle';

describe('ProgressThrottle', () => {
  it('lets through at most one report per interval, only increasing, in whole percents', () => {
    const throttle = new ProgressThrottle(1_000);
    const reports: Array<[number, number]> = [
      [0.5, 0], // first report: 0
      [10, 200], // too soon
      [12.7, 1_000], // 12
      [11, 2_500], // a step back: dropped
      [12.9, 3_000], // no increase once floored
      [40, 3_100],
      [250, 5_000], // clamped to 100
      [100, 7_000], // nothing beyond 100
      [Number.NaN, 9_000],
    ];
    expect(reports.map(([p, at]) => throttle.offer(p, at))).toEqual([
      0,
      null,
      12,
      null,
      null,
      40,
      100,
      null,
      null,
    ]);
  });

  it('clamps below zero', () => {
    expect(new ProgressThrottle().offer(-5, 0)).toBe(0);
  });
});
