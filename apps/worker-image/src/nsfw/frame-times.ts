/**
 * When to look at a video: `count` times spread evenly over its duration,
 * each in the middle of its own equal slice, so neither the first frame (often
 * black or a title) nor a seek past the last one is taken. Seconds, to the
 * millisecond, strictly increasing when the duration allows it.
 *
 * With no known duration there is nothing to spread over: the first frame
 * alone is looked at.
 */
export function frameTimes(durationSeconds: number | null, count: number): number[] {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError('count must be a whole number ≥ 1');
  if (durationSeconds === null || !(durationSeconds > 0) || !Number.isFinite(durationSeconds))
    return [0];
  return Array.from(
    { length: count },
    (_, i) => Math.round((durationSeconds * (i + 0.5) * 1000) / count) / 1000,
  );
}
