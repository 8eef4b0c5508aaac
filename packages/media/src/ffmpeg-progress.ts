/**
 * Reads the key=value blocks ffmpeg writes with `-progress`: each block ends
 * with `progress=continue` (or `end`), and `out_time_us` says how far into
 * the output it has got.
 */
export class FfmpegProgressParser {
  private partial = '';
  private outTime: number | null = null;

  /** Feeds a chunk of the progress stream; returns the seconds reached by each block it completed. */
  push(chunk: string): number[] {
    const lines = (this.partial + chunk).split('\n');
    this.partial = (lines.pop() ?? '').slice(-4096);
    const reached: number[] = [];
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === 'out_time_us') {
        // `N/A` until the first frame is out.
        const micros = Number(value);
        this.outTime = value !== '' && Number.isFinite(micros) ? Math.max(0, micros / 1e6) : null;
      } else if (key === 'progress') {
        if (this.outTime !== null) reached.push(this.outTime);
        this.outTime = null;
      }
    }
    return reached;
  }
}
