import { frameTime, planChunks } from './audio-chunks';

/** Frame levels: `seconds` of speech at -20 dBFS, with quiet dips (-70 dBFS, 0.3 s) at the given seconds. */
function speech(seconds: number, dipsAt: number[] = []): number[] {
  const levels = new Array(Math.round(seconds * 100)).fill(-20);
  for (const at of dipsAt) for (let f = at * 100 - 15; f < at * 100 + 15; f++) levels[f] = -70;
  return levels;
}

const RULES = { minSeconds: 15, maxSeconds: 30, silenceDb: -55 };

describe('planChunks', () => {
  it.each([
    ['nothing: no chunk', [], []],
    ['shorter than the longest chunk: one chunk', speech(12), [[0, 1200, false]]],
    ['exactly the longest chunk: one chunk', speech(30), [[0, 3000, false]]],
    [
      'longer: cut in the middle of the quiet dip between 15 and 30 s',
      speech(50, [22]),
      [
        [0, 2200, false],
        [2200, 5000, false],
      ],
    ],
    [
      'a dip before the shortest chunk is not a cut; the quietest in range is',
      speech(50, [10, 25]),
      [
        [0, 2500, false],
        [2500, 5000, false],
      ],
    ],
  ])('%s', (_, levels, expected) => {
    expect(planChunks(levels, RULES).map((c) => [c.start, c.end, c.silent])).toEqual(expected);
  });

  it('covers every frame once, in order, each chunk between the shortest and longest but the last', () => {
    const levels = Array.from(
      { length: 20_000 },
      (_, i) => -30 + 20 * Math.sin(i / 37) * Math.cos(i / 501),
    );
    const chunks = planChunks(levels, RULES);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks[chunks.length - 1]!.end).toBe(20_000);
    chunks.forEach((chunk, i) => {
      if (i > 0) expect(chunk.start).toBe(chunks[i - 1]!.end);
      const length = chunk.end - chunk.start;
      expect(length).toBeLessThanOrEqual(3000);
      if (i < chunks.length - 1) expect(length).toBeGreaterThanOrEqual(1500);
    });
  });

  it('marks a chunk silent when even its loudest frame is below the silence level', () => {
    const levels = [...speech(20), ...new Array(6000).fill(-80), ...speech(5)];
    const chunks = planChunks(levels, RULES);
    // A long pause is cut in its middle, so the chunks around it hold a part of it.
    expect(chunks.map((c) => [c.start, c.end, c.silent])).toEqual([
      [0, 2505, false],
      [2505, 4755, true],
      [4755, 7005, true],
      [7005, 8500, false],
    ]);
  });
});

describe('frameTime', () => {
  it('is seconds, to the millisecond', () => {
    expect(frameTime(0)).toBe(0);
    expect(frameTime(2200)).toBe(22);
    expect(frameTime(12345)).toBe(123.45);
  });
});
