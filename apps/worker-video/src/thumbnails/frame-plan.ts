/** The most frames one `thumbnails` task makes (docs/task-kinds.md, thumbnails). */
export const MAX_FRAMES = 400;
export const DEFAULT_COUNT = 20;
/**
 * The shortest slice a frame gets: WebVTT times are whole milliseconds, and a
 * cue must end after it starts, so a tiny video gets fewer frames than asked.
 */
export const MIN_SLICE_SECONDS = 0.002;

/** One frame's share of the video: the cue's time range, and the moment the frame shows. */
export interface FrameSlice {
  /** Seconds. */
  start: number;
  end: number;
  /** The frame on screen at this moment is the one shown for the slice: its middle. */
  at: number;
}

export interface FramePlan {
  /** The input's duration in seconds; the last slice ends there. */
  duration: number;
  /** The length of every slice but the last, which may differ (what an interval leaves over). */
  step: number;
  slices: FrameSlice[];
}

export interface FrameSpacing {
  count?: number;
  interval?: number;
}

/**
 * Where the frames of a sprite come from. The video is cut into equal slices
 * (`count` of them, or one per `interval` seconds with the last one shorter)
 * and each frame is the one on screen at its slice's middle, so a frame is
 * never taken past the end. The slices cover the whole video back to back,
 * which is what makes the track's cues contiguous. An interval longer than
 * the video still yields one frame; more than MAX_FRAMES slices become
 * MAX_FRAMES equal ones.
 */
export function planFrames(spacing: FrameSpacing, duration: number): FramePlan {
  if (!(Number.isFinite(duration) && duration > 0)) {
    throw new RangeError('duration must be a number of seconds > 0');
  }
  const fit = Math.max(1, Math.min(MAX_FRAMES, Math.floor(duration / MIN_SLICE_SECONDS)));
  const { interval } = spacing;
  if (interval !== undefined) {
    if (!(interval > 0)) throw new RangeError('interval must be > 0');
    // A leftover too short for a cue of its own joins the last whole slice.
    const slices = Math.max(1, Math.ceil((duration - MIN_SLICE_SECONDS) / interval));
    return slices <= fit ? intervalPlan(interval, slices, duration) : equalPlan(fit, duration);
  }
  return equalPlan(Math.min(spacing.count ?? DEFAULT_COUNT, fit), duration);
}

function equalPlan(count: number, duration: number): FramePlan {
  if (!(Number.isInteger(count) && count >= 1))
    throw new RangeError('count must be a whole number ≥ 1');
  const step = duration / count;
  const bounds = Array.from({ length: count + 1 }, (_, k) => (k === count ? duration : k * step));
  return { duration, step, slices: slicesBetween(bounds) };
}

function intervalPlan(interval: number, count: number, duration: number): FramePlan {
  const bounds = Array.from({ length: count + 1 }, (_, k) =>
    k === count ? duration : k * interval,
  );
  return { duration, step: count === 1 ? duration : interval, slices: slicesBetween(bounds) };
}

function slicesBetween(bounds: number[]): FrameSlice[] {
  return bounds.slice(1).map((end, k) => {
    const start = bounds[k]!;
    return { start, end, at: (start + end) / 2 };
  });
}
