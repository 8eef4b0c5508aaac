import { readFile, unlink, writeFile } from 'node:fs/promises';
import { ignoreMissing } from './ignore-missing';
import { isProcessAlive, processStartTime } from './process-inspection';

// One Mediaflow per data directory: an owner file names the process that
// uses what it guards (the embedded cluster, the messaging journal).

/** Thrown when another live process owns the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly ownerPid: number,
    readonly dataDir: string,
  ) {
    super(`another Mediaflow (pid ${ownerPid}) uses ${dataDir}; stop it or set MEDIAFLOW_DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

interface OwnerRecord {
  pid: number;
  /** The owner's start time (Linux), so a reused pid is not taken for the owner. */
  startTime?: string;
}

/**
 * Takes an owner file (`<dataDir>/postgres.owner`, `<dataDir>/messaging.owner`), created exclusively so that two starts
 * racing for a free directory cannot both win. A record whose process is gone
 * (SIGKILL, power loss) is stale and replaced.
 */
export async function claimOwnerFile(ownerFile: string, dataDir: string): Promise<void> {
  const mine: OwnerRecord = { pid: process.pid, startTime: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(ownerFile, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o644 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(ownerFile);
    if (owner && owner.pid !== process.pid && ownerAlive(owner))
      throw new DataDirInUseError(owner.pid, dataDir);
    await unlink(ownerFile).catch(ignoreMissing);
  }
  throw new Error(`Could not take ${ownerFile}: another process keeps replacing it`);
}

async function readOwner(ownerFile: string): Promise<OwnerRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(ownerFile, 'utf8')) as Partial<OwnerRecord>;
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, startTime: parsed.startTime }
      : undefined;
  } catch {
    // Missing, half-written or not ours: nobody provably owns the directory.
    return undefined;
  }
}

function ownerAlive(owner: OwnerRecord): boolean {
  if (!isProcessAlive(owner.pid)) return false;
  const startTime = processStartTime(owner.pid);
  return owner.startTime === undefined || startTime === undefined || startTime === owner.startTime;
}

/** Removes the owner file when this process holds it. */
export async function releaseOwnerFile(ownerFile: string): Promise<void> {
  const owner = await readOwner(ownerFile);
  if (owner?.pid === process.pid) await unlink(ownerFile).catch(ignoreMissing);
}
