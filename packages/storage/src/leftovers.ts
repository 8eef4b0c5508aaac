import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** An entry of a scratch place several processes share: its path, and when it was last written. */
export interface ScratchEntry {
  path: string;
  modifiedMs: number;
}

export interface LeftoverRule {
  now: number;
  /**
   * How long an entry in use goes at most without a write (or a touch): past
   * it, its owner is gone. Make it longer than any live writer's silence, on
   * any process or host sharing the place.
   */
  graceMs: number;
  /** This process's entries in use: never leftovers, however old. */
  live: ReadonlySet<string>;
}

/**
 * Whether an entry was left by a writer that is gone (a process killed
 * mid-write): not this process's own, and not written for longer than the
 * grace. Another process's entry is judged by its age alone, since a
 * process cannot see another's (a replica on another host, a worker in
 * another container sharing the volume).
 */
export function isLeftover(entry: ScratchEntry, rule: LeftoverRule): boolean {
  return !rule.live.has(entry.path) && rule.now - entry.modifiedMs > rule.graceMs;
}

export interface SweepOptions extends Omit<LeftoverRule, 'now'> {
  /** Only entries whose name passes are looked at: the place may hold others' files (TMPDIR). */
  match?: (name: string) => boolean;
  now?: number;
}

/**
 * Removes the leftovers ({@link isLeftover}) directly in `dir`, whole
 * directories included, and answers their paths. A missing `dir` has none;
 * an entry gone meanwhile (its writer finished) is passed over.
 */
export async function sweepLeftovers(dir: string, options: SweepOptions): Promise<string[]> {
  const { match = () => true, now = Date.now() } = options;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names.filter(match)) {
    const path = join(dir, name);
    let modifiedMs: number;
    try {
      // lstat: a symlink is judged, and removed, as itself, never what it points at.
      modifiedMs = (await lstat(path)).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (!isLeftover({ path, modifiedMs }, { now, graceMs: options.graceMs, live: options.live }))
      continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
