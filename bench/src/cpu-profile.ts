import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@mediaflow/testing';

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` writes) read here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  /** Microseconds on the machine's monotonic clock, as `process.hrtime` reads it. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface TimeShare {
  name: string;
  ms: number;
  /** Of the window's time. */
  share: number;
}

/** Where one Node process's main thread spent a window of time. */
export interface ProfileSummary {
  window_ms: number;
  /** Waiting for I/O or timers: the thread had nothing to run. */
  idle_share: number;
  gc_share: number;
  /** By where the code comes from: an npm package, one of ours, Node's own, V8's. */
  by_origin: TimeShare[];
  /**
   * The same, with the time of Node's and V8's own code (a socket write, a
   * JSON.parse) given to the nearest package or app that called it: who
   * asked for the work.
   */
  by_caller: TimeShare[];
  /** Functions by self time (time in the function itself, not in what it called). */
  top_functions: TimeShare[];
}

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);

/** Where a script comes from: `npm:pg`, `packages/messaging`, `node:internal/streams`, … */
function origin(url: string, functionName: string): string {
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return '(V8 builtins and native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const file = url.replace(/^file:\/\//, '');
  const packageMatch = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (packageMatch) return `npm:${packageMatch[1]}`;
  const relative = path.relative(REPO_ROOT, file);
  if (!relative.startsWith('..')) return relative.split(path.sep).slice(0, 2).join('/');
  return file;
}

function functionLabel(frame: CpuProfile['nodes'][number]['callFrame']): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  if (frame.url.startsWith('node:')) return `${name} (${frame.url}:${frame.lineNumber + 1})`;
  const file = frame.url.replace(/^file:\/\//, '');
  const packageMatch = /.*\/node_modules\/(.*)$/.exec(file);
  const shown = packageMatch ? packageMatch[1]! : path.relative(REPO_ROOT, file);
  return `${name} (${shown.startsWith('..') ? file : shown}:${frame.lineNumber + 1})`;
}

function top(totals: Map<string, number>, windowMs: number, count: number): TimeShare[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), share: ms / windowMs }));
}

/**
 * Self time by function and by origin over the samples taken between
 * `fromUs` and `toUs` (process.hrtime µs; the whole profile without them).
 * Each sample counts for the time until the next one, as DevTools does.
 */
export function summariseCpuProfile(
  file: string,
  fromUs = -Infinity,
  toUs = Infinity,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  /** The origin of the nearest frame, from this one up, that is neither Node's nor V8's. */
  const callerOrigin = (id: number): string => {
    const own = origin(frames.get(id)!.url, frames.get(id)!.functionName);
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const from = origin(frames.get(at)!.url, frames.get(at)!.functionName);
      if (from === '(root)') break; // called by Node's event loop itself (timers, I/O callbacks)
      if (!from.startsWith('node:') && !from.startsWith('(V8')) return from;
    }
    return own;
  };
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let at = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (at += delta));
  let windowUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const start = times[i]!;
    if (start < fromUs || start >= toUs) continue;
    const us = (times[i + 1] ?? profile.endTime) - start;
    windowUs += us;
    const frame = frames.get(profile.samples[i]!)!;
    const fn = functionLabel(frame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us / 1000);
    const from = origin(frame.url, frame.functionName);
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + us / 1000);
    const caller = callerOrigin(profile.samples[i]!);
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + us / 1000);
  }
  const windowMs = windowUs / 1000;
  return {
    window_ms: Math.round(windowMs),
    idle_share: (byOrigin.get('(idle)') ?? 0) / windowMs,
    gc_share: (byOrigin.get('(garbage collector)') ?? 0) / windowMs,
    by_origin: top(byOrigin, windowMs, 15),
    by_caller: top(byCaller, windowMs, 15),
    top_functions: top(byFunction, windowMs, 25),
  };
}
