import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SCRATCH_GRACE_MS,
  ScratchSweeper,
  WORK_DIR_PREFIX,
  makeWorkDir,
  removeWorkDir,
} from './scratch-dirs';

const quiet = { log: () => undefined, warn: () => undefined };

describe('ScratchSweeper', () => {
  let scratchDir: string;
  const aged = async (dir: string, ms = SCRATCH_GRACE_MS + 60_000) => {
    const at = new Date(Date.now() - ms);
    await utimes(dir, at, at);
  };

  beforeEach(async () => {
    scratchDir = await mkdtemp(path.join(tmpdir(), 'worker-kit-scratch-'));
  });
  afterEach(() => rm(scratchDir, { recursive: true, force: true }));

  it("removes a dead attempt's work directory, keeps this process's and a recent one, and nothing else", async () => {
    const dead = path.join(scratchDir, `${WORK_DIR_PREFIX}dead01`);
    await mkdir(path.join(dead, 'input-x'), { recursive: true });
    await writeFile(path.join(dead, 'input-x', 'clip.mp4'), 'bytes');
    await aged(dead);
    const recent = path.join(scratchDir, `${WORK_DIR_PREFIX}recent`);
    await mkdir(recent);
    const other = path.join(scratchDir, 'someone-elses');
    await mkdir(other);
    await aged(other);
    const own = await makeWorkDir(scratchDir);
    await aged(own);

    const swept = await new ScratchSweeper({ scratchDir, log: quiet }).sweep();

    expect(swept).toEqual([dead]);
    expect((await readdir(scratchDir)).sort()).toEqual(
      [path.basename(own), path.basename(recent), 'someone-elses'].sort(),
    );
    // Its own is touched, so that other processes' sweeps see it in use.
    expect(Date.now() - (await stat(own)).mtimeMs).toBeLessThan(60_000);
    await removeWorkDir(own);
  });

  it('forgets a removed work directory: left behind again and old, it is swept', async () => {
    const own = await makeWorkDir(scratchDir);
    await removeWorkDir(own);
    await mkdir(own);
    await aged(own);
    await expect(new ScratchSweeper({ scratchDir, log: quiet }).sweep()).resolves.toEqual([own]);
  });

  it('sweeps at start and then every interval, until stopped', async () => {
    const sweeper = new ScratchSweeper({ scratchDir, intervalMs: 50, log: quiet });
    const first = path.join(scratchDir, `${WORK_DIR_PREFIX}first`);
    await mkdir(first);
    await aged(first);
    await sweeper.start();
    expect(await readdir(scratchDir)).toEqual([]);

    const later = path.join(scratchDir, `${WORK_DIR_PREFIX}later`);
    await mkdir(later);
    await aged(later);
    const deadline = Date.now() + 5_000;
    while ((await readdir(scratchDir)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await readdir(scratchDir)).toEqual([]);

    await sweeper.stop();
    await mkdir(later);
    await aged(later);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await readdir(scratchDir)).toEqual([path.basename(later)]);
  });

  it('logs, never throws, when the scratch directory cannot be read', async () => {
    const warnings: string[] = [];
    const file = path.join(scratchDir, 'not-a-directory');
    await writeFile(file, '');
    const sweeper = new ScratchSweeper({
      scratchDir: file,
      log: { log: () => undefined, warn: (m) => warnings.push(m) },
    });
    await expect(sweeper.sweep()).resolves.toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('not swept: ENOTDIR')]);
  });
});
