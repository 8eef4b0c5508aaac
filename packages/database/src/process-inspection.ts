import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid exists and has not exited. A zombie (exited,
 * not yet reaped, as an orphan can stay under a pid 1 that never reaps) counts
 * as gone: it holds no files and no ports.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/**
 * When the process started, in clock ticks since boot (Linux), to tell a
 * recorded pid from a new process that reuses it after a reboot or a
 * container restart. Undefined where /proc is not there.
 */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/** The process's command line, or undefined when it cannot be read. */
export function processArguments(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((arg) => arg.length > 0);
  } catch {
    // No /proc (macOS): ps prints the arguments joined by spaces, which is
    // enough for the `includes` checks the callers make.
    try {
      const line = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], {
        encoding: 'utf8',
      }).trim();
      return line ? line.split(' ') : undefined;
    } catch {
      return undefined;
    }
  }
}

function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 is the command name in parentheses and may itself hold spaces
    // or parentheses; the fields after the last ')' start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}
