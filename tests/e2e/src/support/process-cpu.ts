import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** /proc/<pid>/stat's fields after the command name: state is [0], ppid [1], utime [11]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone, or no /proc
  }
}

function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.map(Number).filter((child) => Number(statFields(child)?.[1]) === pid);
}

/**
 * Seconds of CPU a process has used, with its children's: those still
 * running and those it has waited for. Linux only (/proc): 0 elsewhere.
 */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime, stime, cutime, cstime
  const own = fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0);
  return (
    own / TICKS_PER_SECOND + childrenOf(pid).reduce((sum, child) => sum + cpuSeconds(child), 0)
  );
}
