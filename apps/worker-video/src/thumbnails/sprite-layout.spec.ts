import { MAX_SHEET_SIDE, frameSize, spriteLayout } from './sprite-layout';

describe('frameSize', () => {
  it.each([
    [160, 1920, 1080, 90],
    [160, 1080, 1920, 284],
    [160, 320, 240, 120],
    [33, 100, 100, 34],
    [100, 1000, 333, 34],
    [32, 7680, 16, 2],
    [640, 2, 7680, MAX_SHEET_SIDE - 1],
  ])('%d wide from %dx%d is %d high (even, keeping the aspect ratio)', (width, w, h, height) => {
    expect(frameSize(width, { width: w, height: h })).toEqual({ width, height });
  });

  it('refuses a video without a size', () => {
    expect(() => frameSize(160, { width: 0, height: 90 })).toThrow(RangeError);
  });
});

describe('spriteLayout', () => {
  const frame = { width: 160, height: 90 };

  it('lays 20 frames out 5 across and 4 down, left to right then top to bottom', () => {
    const layout = spriteLayout(20, frame, 5);
    expect(layout).toMatchObject({ columns: 5, rowsPerSheet: 4 });
    expect(layout.sheets).toEqual([{ width: 800, height: 360, frames: 20 }]);
    expect(layout.cells[0]).toEqual({ sheet: 0, x: 0, y: 0, w: 160, h: 90 });
    expect(layout.cells[7]).toEqual({ sheet: 0, x: 320, y: 90, w: 160, h: 90 });
    expect(layout.cells[19]).toEqual({ sheet: 0, x: 640, y: 270, w: 160, h: 90 });
  });

  it('leaves the last row short rather than adding a row', () => {
    const layout = spriteLayout(7, frame, 5);
    expect(layout.sheets).toEqual([{ width: 800, height: 180, frames: 7 }]);
    expect(layout.cells[6]).toEqual({ sheet: 0, x: 160, y: 90, w: 160, h: 90 });
  });

  it('is no wider than the frames need', () => {
    const layout = spriteLayout(3, frame, 5);
    expect(layout.columns).toBe(3);
    expect(layout.sheets).toEqual([{ width: 480, height: 90, frames: 3 }]);
  });

  it('splits a sprite taller than a sheet may be into sheets of evenly many rows', () => {
    // 400 rows of 360 px: 45 rows fit in 16383 px, so 9 sheets of 45 rows (the last holds 40).
    const layout = spriteLayout(400, { width: 640, height: 360 }, 1);
    expect(layout.rowsPerSheet).toBe(45);
    expect(layout.sheets).toHaveLength(9);
    expect(layout.sheets[0]).toEqual({ width: 640, height: 16_200, frames: 45 });
    expect(layout.sheets[8]).toEqual({ width: 640, height: 16_200, frames: 40 });
    expect(layout.cells[44]).toEqual({ sheet: 0, x: 0, y: 15_840, w: 640, h: 360 });
    expect(layout.cells[45]).toEqual({ sheet: 1, x: 0, y: 0, w: 640, h: 360 });
  });

  it.each([
    [1, 1, 2],
    [400, 1, 2],
    [400, 20, 1138],
    [400, 3, 1138],
    [399, 7, 5000],
    [13, 4, 16_382],
    [250, 6, 700],
  ])(
    '%d frames, %d across, %d px high: every frame in a sheet that holds it, no sheet empty or too large',
    (count, columns, height) => {
      const layout = spriteLayout(count, { width: 640, height }, columns);
      expect(layout.cells).toHaveLength(count);
      expect(layout.sheets.reduce((sum, s) => sum + s.frames, 0)).toBe(count);
      for (const sheet of layout.sheets) {
        expect(sheet.frames).toBeGreaterThan(0);
        expect(sheet.width).toBeLessThanOrEqual(MAX_SHEET_SIDE);
        expect(sheet.height).toBeLessThanOrEqual(MAX_SHEET_SIDE);
      }
      const seen = new Set<string>();
      for (const cell of layout.cells) {
        const sheet = layout.sheets[cell.sheet]!;
        expect(cell.x + cell.w).toBeLessThanOrEqual(sheet.width);
        expect(cell.y + cell.h).toBeLessThanOrEqual(sheet.height);
        seen.add(`${cell.sheet}:${cell.x}:${cell.y}`);
      }
      expect(seen.size).toBe(count);
    },
  );

  it('refuses a row wider than a sheet', () => {
    expect(() => spriteLayout(30, { width: 640, height: 360 }, 30)).toThrow(RangeError);
  });
});
