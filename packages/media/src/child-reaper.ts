import { readdir, readFile } from 'node:fs/promises';

export interface ChildProcessInfo {
  pid: number;
  /** argv, as /proc/<pid>/cmdline has it. */
  argv: string[];
}

/**
 * This process's live children, from /proc. Empty where there is no /proc
 * (macOS): callers treat that as "none found".
 */
export async function listChildProcesses(): Promise<ChildProcessInfo[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const children: ChildProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // After the parenthesised command name come the state, then the ppid.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      children.push({ pid: Number(entry), argv: cmdline.split('\0').filter((arg) => arg !== '') });
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/**
 * Kills this process's own children whose command line holds `marker`, and
 * returns their pids. For tools run through a library that keeps the child
 * to itself (fluent-ffmpeg's ffprobe): the command line is tagged with a
 * unique marker and the child found by it.
 */
export async function killChildrenByMarker(
  marker: string,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number[]> {
  const killed: number[] = [];
  for (const child of await listChildProcesses()) {
    if (!child.argv.includes(marker)) continue;
    try {
      process.kill(child.pid, signal);
      killed.push(child.pid);
    } catch {
      // Already gone.
    }
  }
  return killed;
}
