import { readFileSync } from 'node:fs';

/**
 * Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream
 * architecture (`getconf CLK_TCK`); Node has no call that reads it.
 */
const TICKS_PER_SECOND = 100;

/** CPU time a process has used so far, user plus system, in ms; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The whole machine's CPU time, busy and in all, summed over its cores, in ms (/proc/stat). */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3]! + ticks[4]!;
  const ms = (t: number) => (t * 1000) / TICKS_PER_SECOND;
  return { busy: ms(total - idle), total: ms(total) };
}
