import { readdirSync, readFileSync } from 'node:fs';

/**
 * One process's memory and command name, read from /proc (Linux). PSS
 * (proportional set size) splits shared pages among the processes sharing
 * them, so a sum over PostgreSQL's backends does not count its shared
 * buffers once per backend, as summing RSS would.
 */
export interface ProcessMemory {
  pid: number;
  ppid: number;
  command: string;
  pssBytes: number;
  /** Resident set size (VmRSS): counts shared pages in full, in every process that maps them. */
  rssBytes: number;
}

function readProcess(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s+(.+)$`, 'm').exec(status)?.[1]?.trim();
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return {
      pid,
      ppid: Number(field('PPid')),
      command: field('Name') ?? '?',
      pssBytes: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024,
      rssBytes: Number(field('VmRSS')?.replace(/\s*kB$/, '') ?? 0) * 1024,
    };
  } catch {
    return undefined; // it ended while we looked
  }
}

/** The process and every descendant, as they are now. */
export function processTree(root: number): ProcessMemory[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessMemory => p !== undefined);
  const tree: ProcessMemory[] = [];
  const visit = (pid: number) => {
    for (const p of all) {
      if (p.ppid === pid) {
        tree.push(p);
        visit(p.pid);
      }
    }
  };
  const self = all.find((p) => p.pid === root);
  if (self) tree.push(self);
  visit(root);
  return tree;
}

/** The process's own peak resident memory (RSS) so far (VmHWM). */
export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
}

/** Samples a process tree every `everyMs`, keeping each group's peak (summed over its processes). */
export class MemorySampler {
  readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    private readonly group: (p: ProcessMemory, root: number) => string,
  ) {}

  start(everyMs = 100): void {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): Map<string, number> {
    clearInterval(this.timer);
    return this.peaks;
  }

  sample(): void {
    const sums = new Map<string, number>();
    for (const p of processTree(this.root)) {
      const name = this.group(p, this.root);
      sums.set(name, (sums.get(name) ?? 0) + p.pssBytes);
    }
    for (const [name, bytes] of sums)
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, bytes));
  }
}
