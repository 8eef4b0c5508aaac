/**
 * The output frame of a `video` task and the filters that make it
 * (docs/task-kinds.md, video). Computed here from the probed source size, so that
 * ffmpeg's scale and crop filters get exact numbers rather than
 * expressions, and the tests can assert them.
 */

export const VIDEO_FITS = ['contain', 'cover', 'fill'] as const;
export type VideoFit = (typeof VIDEO_FITS)[number];

export interface FrameSize {
  width: number;
  height: number;
}

export interface GeometryRequest {
  width?: number;
  height?: number;
  fit: VideoFit;
}

export interface VideoGeometry {
  /** The output frame: always even, as 4:2:0 chroma and the encoders need. */
  width: number;
  height: number;
  /** Resize the picture to this first; null keeps the source's pixels. */
  scale: FrameSize | null;
  /** Then keep the centre of this size; null keeps the whole picture. */
  crop: FrameSize | null;
}

/**
 * - Neither dimension: the source size, less a pixel where it is odd.
 * - One dimension: the other follows the aspect ratio, whatever `fit` says.
 * - Both: `contain` fits the picture inside the box (no padding, so the
 *   output may be smaller than the box on one side), `cover` scales it to
 *   cover the box and crops the overflow from the centre, `fill` stretches
 *   it to exactly the box.
 * Only `fill` ever upscales. `cover` on a source smaller than the box keeps
 * the box's shape at the largest size the source fills without upscaling.
 * The display size is what counts: ffmpeg applies a rotation before the
 * filters, and the probe reports the rotated size.
 */
export function videoGeometry(source: FrameSize, request: GeometryRequest): VideoGeometry {
  const { width, height, fit } = request;
  if (width === undefined && height === undefined) return unscaled(source);
  if (width === undefined || height === undefined) {
    const factor = width !== undefined ? width / source.width : height! / source.height;
    return scaledBy(source, fit === 'fill' ? factor : Math.min(1, factor));
  }
  if (fit === 'fill') return resized(source, { width, height }, null);
  if (fit === 'contain') {
    const factor = Math.min(width / source.width, height / source.height, 1);
    return scaledBy(source, factor);
  }
  // cover: shrink the box (keeping its shape) until the source covers it unscaled at most.
  const shrink = Math.min(1, source.width / width, source.height / height);
  const frame = { width: evenFloor(width * shrink), height: evenFloor(height * shrink) };
  const factor = Math.max(frame.width / source.width, frame.height / source.height);
  const scaled = {
    width: Math.max(frame.width, Math.round(source.width * factor)),
    height: Math.max(frame.height, Math.round(source.height * factor)),
  };
  return resized(source, scaled, frame);
}

/** The `-vf` filters for a geometry, in order. */
export function geometryFilters(geometry: VideoGeometry): string[] {
  const filters: string[] = [];
  if (geometry.scale) {
    // scale keeps the display aspect by changing the sample aspect ratio; square pixels are what we mean.
    filters.push(`scale=${geometry.scale.width}:${geometry.scale.height}`, 'setsar=1');
  }
  // Without x and y, crop keeps the centre.
  if (geometry.crop) filters.push(`crop=${geometry.crop.width}:${geometry.crop.height}`);
  return filters;
}

/** The picture scaled by `factor`; at 1 or more (no upscaling asked), the source itself. */
function scaledBy(source: FrameSize, factor: number): VideoGeometry {
  if (factor === 1) return unscaled(source);
  return resized(
    source,
    { width: evenRound(source.width * factor), height: evenRound(source.height * factor) },
    null,
  );
}

/** The source's pixels, cropped by one where a dimension is odd (cheaper and sharper than a rescale). */
function unscaled(source: FrameSize): VideoGeometry {
  const frame = { width: evenFloor(source.width), height: evenFloor(source.height) };
  return resized(source, source, frame);
}

function resized(source: FrameSize, scale: FrameSize, crop: FrameSize | null): VideoGeometry {
  const frame = crop ?? scale;
  return {
    width: frame.width,
    height: frame.height,
    scale: sameSize(scale, source) ? null : scale,
    crop: crop && !sameSize(crop, scale) ? crop : null,
  };
}

function sameSize(a: FrameSize, b: FrameSize): boolean {
  return a.width === b.width && a.height === b.height;
}

function evenRound(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}

function evenFloor(value: number): number {
  return Math.max(2, 2 * Math.floor(value / 2));
}
