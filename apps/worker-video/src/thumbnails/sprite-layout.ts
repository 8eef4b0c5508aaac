/**
 * The largest side of one sprite image: WebP's limit (16383 px), used for
 * JPEG too, since browsers struggle with larger images anyway. A sprite that
 * would be taller is split into sheets of whole rows.
 */
export const MAX_SHEET_SIDE = 16_383;

export interface FrameSize {
  width: number;
  height: number;
}

/** Where one frame sits: which sheet, and its region in pixels. */
export interface SpriteCell {
  /** Index into `SpriteLayout.sheets`. */
  sheet: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SpriteSheet {
  /** Pixels; every sheet has `columns × rowsPerSheet` cells, the last one possibly not all used. */
  width: number;
  height: number;
  /** How many frames it holds. */
  frames: number;
}

export interface SpriteLayout {
  frame: FrameSize;
  columns: number;
  rowsPerSheet: number;
  sheets: SpriteSheet[];
  /** One per frame, in time order: left to right, then top to bottom, then sheet by sheet. */
  cells: SpriteCell[];
}

/**
 * A frame at `width` keeps the video's displayed aspect ratio; its height is
 * rounded to an even number (what 4:2:0 chroma wants), at least 2 and at
 * most what fits in one sheet.
 */
export function frameSize(width: number, video: FrameSize): FrameSize {
  if (!(video.width > 0 && video.height > 0)) throw new RangeError('the video has no size');
  const exact = (width * video.height) / video.width;
  const height = Math.min(MAX_SHEET_SIDE - 1, Math.max(2, 2 * Math.round(exact / 2)));
  return { width, height };
}

/**
 * How `count` frames are laid out: `columns` across (fewer when there are
 * fewer frames, so no sprite is wider than it needs), `ceil(count / columns)`
 * rows, cut into sheets of at most MAX_SHEET_SIDE pixels high with the rows
 * spread evenly over them.
 */
export function spriteLayout(count: number, frame: FrameSize, columns: number): SpriteLayout {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError('count must be ≥ 1');
  if (!(Number.isInteger(columns) && columns >= 1)) throw new RangeError('columns must be ≥ 1');
  const across = Math.min(columns, count);
  if (across * frame.width > MAX_SHEET_SIDE || frame.height > MAX_SHEET_SIDE) {
    throw new RangeError(
      `a row of ${across} frames of ${frame.width}x${frame.height} does not fit`,
    );
  }
  const rows = Math.ceil(count / across);
  const sheetCount = Math.ceil(rows / Math.floor(MAX_SHEET_SIDE / frame.height));
  const rowsPerSheet = Math.ceil(rows / sheetCount);
  const perSheet = rowsPerSheet * across;

  const cells = Array.from({ length: count }, (_, i): SpriteCell => {
    const row = Math.floor(i / across);
    return {
      sheet: Math.floor(i / perSheet),
      x: (i % across) * frame.width,
      y: (row % rowsPerSheet) * frame.height,
      w: frame.width,
      h: frame.height,
    };
  });
  const sheets = Array.from({ length: sheetCount }, (_, s): SpriteSheet => ({
    width: across * frame.width,
    height: rowsPerSheet * frame.height,
    frames: Math.min(perSheet, count - s * perSheet),
  }));
  return { frame, columns: across, rowsPerSheet, sheets, cells };
}
