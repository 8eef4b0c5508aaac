import { MAX_FRAMES, planFrames, type FramePlan, type FrameSpacing } from './frame-plan';

const starts = (plan: FramePlan) => plan.slices.map((s) => s.start);
const ats = (plan: FramePlan) => plan.slices.map((s) => s.at);

describe('planFrames', () => {
  it.each<[string, FrameSpacing, number, { step: number; starts: number[]; ats: number[] }]>([
    [
      'count 4 over 10 s',
      { count: 4 },
      10,
      { step: 2.5, starts: [0, 2.5, 5, 7.5], ats: [1.25, 3.75, 6.25, 8.75] },
    ],
    ['count 1', { count: 1 }, 3, { step: 3, starts: [0], ats: [1.5] }],
    [
      'interval 3 over 10 s: the last slice is what is left',
      { interval: 3 },
      10,
      { step: 3, starts: [0, 3, 6, 9], ats: [1.5, 4.5, 7.5, 9.5] },
    ],
    [
      'interval 2 over 10 s: no empty slice at the end',
      { interval: 2 },
      10,
      { step: 2, starts: [0, 2, 4, 6, 8], ats: [1, 3, 5, 7, 9] },
    ],
    [
      'interval 5 on a 2 s video: one frame',
      { interval: 5 },
      2,
      { step: 2, starts: [0], ats: [1] },
    ],
  ])('%s', (_, spacing, duration, expected) => {
    const plan = planFrames(spacing, duration);
    expect(plan.duration).toBe(duration);
    expect(plan.step).toBeCloseTo(expected.step, 9);
    expect(starts(plan)).toEqual(expected.starts.map((s) => expect.closeTo(s, 9)));
    expect(ats(plan)).toEqual(expected.ats.map((s) => expect.closeTo(s, 9)));
  });

  it('makes 20 frames when given neither count nor interval', () => {
    expect(planFrames({}, 60).slices).toHaveLength(20);
  });

  it('joins a leftover too short for a cue to the last whole slice', () => {
    const plan = planFrames({ interval: 1 }, 10.0004);
    expect(plan.slices).toHaveLength(10);
    expect(plan.slices[9]).toEqual({ start: 9, end: 10.0004, at: 9.5002 });
  });

  it('is not fooled by floating point: 10 s at 0.1 s intervals is 100 frames', () => {
    expect(planFrames({ interval: 0.1 }, 10).slices).toHaveLength(100);
  });

  it('caps an interval that would make too many frames at 400 equal slices', () => {
    const plan = planFrames({ interval: 0.1 }, 100);
    expect(plan.slices).toHaveLength(MAX_FRAMES);
    expect(plan.step).toBe(0.25);
    expect(plan.slices[399]).toEqual({ start: 99.75, end: 100, at: 99.875 });
  });

  it('gives a tiny video no more frames than whole milliseconds allow', () => {
    expect(planFrames({ count: 400 }, 0.04).slices).toHaveLength(20);
    expect(planFrames({ count: 400 }, 0.001).slices).toHaveLength(1);
  });

  it.each<[FrameSpacing, number]>([
    [{ count: 20 }, 12.345],
    [{ count: 400 }, 2.002],
    [{ count: 7 }, 1.4014],
    [{ interval: 0.7 }, 5.005],
    [{ interval: 10 }, 7200.04],
    [{ interval: 3600 }, 0.5],
  ])(
    '%j over %d s: contiguous slices from 0 to the end, each frame in its slice',
    (spacing, duration) => {
      const { slices } = planFrames(spacing, duration);
      expect(slices.length).toBeGreaterThanOrEqual(1);
      expect(slices.length).toBeLessThanOrEqual(MAX_FRAMES);
      expect(slices[0]!.start).toBe(0);
      expect(slices.at(-1)!.end).toBe(duration);
      slices.forEach((slice, i) => {
        if (i > 0) expect(slice.start).toBe(slices[i - 1]!.end);
        expect(slice.end).toBeGreaterThan(slice.start);
        expect(slice.at).toBeGreaterThanOrEqual(slice.start);
        expect(slice.at).toBeLessThan(slice.end);
      });
    },
  );

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a duration of %d', (duration) => {
    expect(() => planFrames({ count: 2 }, duration)).toThrow(RangeError);
  });
});
