/** No ffmpeg run gets less: a short clip still pays for start-up and a busy machine. */
export const MIN_FFMPEG_TIME_LIMIT_MS = 60_000;
/** When the media's duration is unknown, an hour (the task's own time limit still applies). */
export const UNKNOWN_DURATION_TIME_LIMIT_MS = 3_600_000;

/**
 * The time limit of one ffmpeg run over `mediaSeconds` of media, at
 * `secondsPerSecond` of wall-clock time per second of media (slow encoders
 * get more), times `scale` for a slow machine.
 */
export function ffmpegTimeLimitMs(
  mediaSeconds: number | null,
  secondsPerSecond: number,
  scale = 1,
): number {
  const ms =
    mediaSeconds === null
      ? UNKNOWN_DURATION_TIME_LIMIT_MS
      : Math.max(MIN_FFMPEG_TIME_LIMIT_MS, mediaSeconds * secondsPerSecond * 1000);
  return Math.round(ms * scale);
}
