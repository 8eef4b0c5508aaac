import { colourName, dominantColours, transparentShare } from './colour-names';

describe('colourName', () => {
  it.each<[string, [number, number, number], string]>([
    ['black', [0, 0, 0], 'black'],
    ['near black', [20, 10, 30], 'black'],
    ['white', [255, 255, 255], 'white'],
    ['snow', [255, 250, 250], 'white'],
    ['dim grey', [105, 105, 105], 'grey'],
    ['slate', [47, 52, 58], 'dark grey'],
    ['silver', [192, 192, 192], 'light grey'],
    ['red', [220, 40, 40], 'red'],
    ['maroon', [128, 0, 0], 'dark red'],
    ['light pink', [255, 182, 193], 'pink'],
    ['orange', [255, 165, 0], 'orange'],
    ['saddle brown', [139, 69, 19], 'brown'],
    ['chocolate', [120, 70, 30], 'brown'],
    ['gold', [255, 215, 0], 'yellow'],
    ['olive', [128, 128, 0], 'olive'],
    ['green', [0, 200, 0], 'green'],
    ['forest', [20, 90, 30], 'dark green'],
    ['mint', [170, 240, 190], 'light green'],
    ['cyan', [0, 220, 220], 'cyan'],
    ['teal', [0, 128, 128], 'dark cyan'],
    ['steel blue', [58, 110, 165], 'blue'],
    ['navy', [0, 0, 128], 'dark blue'],
    ['sky', [135, 206, 235], 'light blue'],
    ['purple', [128, 50, 180], 'purple'],
    ['magenta', [230, 0, 200], 'pink'],
  ])('%s %j → %s', (_, [r, g, b], name) => {
    expect(colourName({ r, g, b })).toBe(name);
  });
});

/** Raw pixels: `count` of each colour, in order. */
function pixels(channels: 3 | 4, ...runs: [number[], number][]): Uint8Array {
  const bytes: number[] = [];
  for (const [colour, count] of runs) for (let i = 0; i < count; i++) bytes.push(...colour);
  return Uint8Array.from(bytes);
}

describe('dominantColours', () => {
  it('names the commonest colours with their shares, leaving out those under a tenth', () => {
    const rgb = pixels(3, [[0, 0, 128], 70], [[255, 255, 255], 25], [[220, 40, 40], 5]);
    expect(dominantColours(rgb, 3)).toEqual([
      { name: 'dark blue', share: 0.7 },
      { name: 'white', share: 0.25 },
    ]);
  });

  it('counts only opaque pixels, and at most three colours', () => {
    const rgba = pixels(
      4,
      [[0, 0, 0, 0], 50],
      [[0, 200, 0, 255], 20],
      [[220, 40, 40, 255], 15],
      [[0, 0, 128, 255], 10],
      [[255, 255, 255, 255], 5],
    );
    expect(dominantColours(rgba, 4)).toEqual([
      { name: 'green', share: 0.4 },
      { name: 'red', share: 0.3 },
      { name: 'dark blue', share: 0.2 },
    ]);
    expect(transparentShare(rgba, 4)).toBe(0.5);
  });

  it('always names the commonest colour, breaks ties by name, and has none for a clear picture', () => {
    const spread = pixels(
      3,
      ...Array.from(
        { length: 12 },
        (_, i) => [[i * 20, 100, 200 - i * 10], 1] as [number[], number],
      ),
    );
    expect(dominantColours(spread, 3).length).toBeGreaterThanOrEqual(1);
    expect(dominantColours(pixels(3, [[255, 255, 255], 1], [[0, 0, 0], 1]), 3)).toEqual([
      { name: 'black', share: 0.5 },
      { name: 'white', share: 0.5 },
    ]);
    expect(dominantColours(pixels(4, [[9, 9, 9, 0], 4]), 4)).toEqual([]);
    expect(transparentShare(pixels(3, [[1, 2, 3], 4]), 3)).toBe(0);
  });
});
