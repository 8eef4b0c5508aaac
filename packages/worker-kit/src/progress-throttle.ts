/**
 * Which progress reports reach the broker: whole percents, only increases,
 * at most one per interval. A handler may call `progress` on every line
 * ffmpeg prints; the scheduler and the clients need a few a second at most.
 */
export class ProgressThrottle {
  private last = -1;
  private lastAt = -Infinity;

  constructor(private readonly intervalMs = 1_000) {}

  /** The percent to publish now, or null to drop this report. */
  offer(percent: number, now: number): number | null {
    if (!Number.isFinite(percent)) return null;
    const value = Math.floor(Math.min(100, Math.max(0, percent)));
    if (value <= this.last || now - this.lastAt < this.intervalMs) return null;
    this.last = value;
    this.lastAt = now;
    return value;
  }
}
