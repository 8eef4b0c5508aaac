import { mkdtemp, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { sweepLeftovers } from '@mediaflow/storage';

/** What every attempt's work directory is called in TMPDIR, followed by mkdtemp's random part. */
export const WORK_DIR_PREFIX = 'mediaflow-task-';

/** How often a worker touches its attempts' work directories and sweeps what others left. */
export const SCRATCH_SWEEP_MS = 5 * 60_000;

/**
 * A work directory untouched for this long belongs to an attempt that is
 * gone (its worker killed with SIGKILL, OOM-killed, its node lost): its
 * owner, alive, would have touched it at each of three sweeps. Not counted
 * from the attempt's start, which MEDIAFLOW_TASK_TIMEOUT_MS lets run for
 * days, and not from the files inside, which ffmpeg may write without
 * changing the directory's own mtime.
 */
export const SCRATCH_GRACE_MS = 3 * SCRATCH_SWEEP_MS;

/**
 * The work directories of the attempts running in this process, whichever
 * runner made them: the all-in-one runs several workers, each sweeping the
 * TMPDIR they share.
 */
const liveWorkDirs = new Set<string>();

/** A fresh work directory for one attempt, counted as live until {@link removeWorkDir}. */
export async function makeWorkDir(scratchDir: string): Promise<string> {
  const dir = await mkdtemp(path.join(scratchDir, WORK_DIR_PREFIX));
  liveWorkDirs.add(dir);
  return dir;
}

/** Removes an attempt's work directory, whatever it holds; again is harmless. */
export async function removeWorkDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } finally {
    liveWorkDirs.delete(dir);
  }
}

export interface ScratchSweeperOptions {
  /** Where the work directories are made (TMPDIR). */
  scratchDir: string;
  intervalMs?: number;
  log: { log(message: string): void; warn(message: string): void };
}

/**
 * Keeps TMPDIR free of the work directories of attempts that died without
 * their cleanup: at start and every SCRATCH_SWEEP_MS it touches this
 * process's own, then removes the others untouched for SCRATCH_GRACE_MS,
 * those of another live worker sharing TMPDIR (touched by it) never.
 */
export class ScratchSweeper {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<string[]>;

  constructor(private readonly options: ScratchSweeperOptions) {}

  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs ?? SCRATCH_SWEEP_MS);
    this.timer.unref();
    await this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One sweep (joined while one is going); answers what it removed. A failure is logged, never thrown. */
  sweep(): Promise<string[]> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<string[]> {
    const { scratchDir, log } = this.options;
    try {
      await touch(liveWorkDirs);
      const removed = await sweepLeftovers(scratchDir, {
        graceMs: SCRATCH_GRACE_MS,
        live: liveWorkDirs,
        match: (name) => name.startsWith(WORK_DIR_PREFIX),
      });
      if (removed.length > 0) {
        log.log(
          `removed ${removed.length} work director${removed.length === 1 ? 'y' : 'ies'} of attempts that stopped without cleaning up, from ${scratchDir}`,
        );
      }
      return removed;
    } catch (error) {
      log.warn(`work directories in ${scratchDir} not swept: ${(error as Error).message}`);
      return [];
    }
  }
}

/** Marks directories as in use now, for the sweeps of other processes sharing them. */
async function touch(dirs: ReadonlySet<string>): Promise<void> {
  const now = new Date();
  await Promise.all(
    [...dirs].map((dir) =>
      utimes(dir, now, now).catch((error: NodeJS.ErrnoException) => {
        // Removed meanwhile: its attempt just ended.
        if (error.code !== 'ENOENT') throw error;
      }),
    ),
  );
}
