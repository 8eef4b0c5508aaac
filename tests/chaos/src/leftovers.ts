import { readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { sleep } from './bounded-wait';

/** What the workers call an attempt's scratch directory in their TMPDIR (packages/worker-kit). */
const SCRATCH_PREFIX = 'mediaflow-task-';

export interface Leftovers {
  /** Present right after a kill -9 and still there: the dead process's, swept by the product after its grace (15 min). */
  leftByKills: string[];
  /** Anything else: what a live process failed to clean up. */
  stray: string[];
}

/**
 * Watches the places where processes keep files only while they work:
 * the workers' scratch directories (`mediaflow-task-*` in their TMPDIR)
 * and storage's temp area (`files/.tmp`). Right after each kill -9 it notes
 * what is there (the dead process never cleans those up; the product
 * sweeps them once they have been untouched for 15 minutes); at the end
 * anything else left is a leak.
 */
export class LeftoverWatch {
  private readonly atKills = new Set<string>();

  constructor(
    private readonly scratchDirs: readonly string[],
    private readonly storageTemp: string,
  ) {}

  /** Call right after killing a process that writes in `dirs` (its TMPDIR, storage's temp area). */
  async noteKill(dirs: readonly string[]): Promise<void> {
    for (const entry of await this.entries(dirs)) this.atKills.add(entry);
  }

  /** Waits (at most `timeoutMs`) for live processes to finish cleaning up, then says what is left. */
  async settle(timeoutMs: number): Promise<Leftovers> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entries = await this.now();
      const leftovers = {
        leftByKills: entries.filter((entry) => this.atKills.has(entry)),
        stray: entries.filter((entry) => !this.atKills.has(entry)),
      };
      if (leftovers.stray.length === 0 || Date.now() >= deadline) return leftovers;
      await sleep(500);
    }
  }

  /** Everything in the watched places now. */
  now(): Promise<string[]> {
    return this.entries([...this.scratchDirs, this.storageTemp]);
  }

  /** Sets back the modification time of `entries` by `ms`, as if that long had passed untouched. */
  async age(entries: readonly string[], ms: number): Promise<void> {
    const then = new Date(Date.now() - ms);
    for (const entry of entries) await utimes(entry, then, then).catch(() => undefined);
  }

  private async entries(dirs: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (const dir of dirs) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names)
        if (dir === this.storageTemp || name.startsWith(SCRATCH_PREFIX))
          found.push(path.join(dir, name));
    }
    return found;
  }
}
