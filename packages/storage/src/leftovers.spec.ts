import { lutimes, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeftover, sweepLeftovers } from './leftovers';

const MINUTE = 60_000;

describe('isLeftover', () => {
  const now = 1_000 * MINUTE;
  const rule = { now, graceMs: 15 * MINUTE, live: new Set(['/scratch/mine']) };

  it.each([
    ['another process’s, written just now', '/scratch/other', now, false],
    [
      'another process’s, written exactly the grace ago',
      '/scratch/other',
      now - 15 * MINUTE,
      false,
    ],
    [
      'another process’s, written just past the grace ago',
      '/scratch/other',
      now - 15 * MINUTE - 1,
      true,
    ],
    ['another process’s, written a day ago', '/scratch/other', now - 1_440 * MINUTE, true],
    ['this process’s own, written a day ago', '/scratch/mine', now - 1_440 * MINUTE, false],
    ['written in the future (a clock ahead)', '/scratch/other', now + 5 * MINUTE, false],
  ])('%s', (_what, path, modifiedMs, leftover) => {
    expect(isLeftover({ path, modifiedMs }, rule)).toBe(leftover);
  });
});

describe('sweepLeftovers', () => {
  let dir: string;
  const aged = async (path: string, ms: number) => {
    const at = new Date(Date.now() - ms);
    await utimes(path, at, at);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-leftovers-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('removes old entries, whole directories too, and keeps fresh, live and unmatched ones', async () => {
    await mkdir(join(dir, 'task-dead', 'input-1'), { recursive: true });
    await writeFile(join(dir, 'task-dead', 'input-1', 'clip.mp4'), 'bytes');
    await aged(join(dir, 'task-dead'), 20 * MINUTE);
    await mkdir(join(dir, 'task-live'));
    await aged(join(dir, 'task-live'), 20 * MINUTE);
    await mkdir(join(dir, 'task-fresh'));
    await writeFile(join(dir, 'unrelated'), 'not ours');
    await aged(join(dir, 'unrelated'), 20 * MINUTE);

    const removed = await sweepLeftovers(dir, {
      graceMs: 15 * MINUTE,
      live: new Set([join(dir, 'task-live')]),
      match: (name) => name.startsWith('task-'),
    });

    expect(removed).toEqual([join(dir, 'task-dead')]);
    expect((await readdir(dir)).sort()).toEqual(['task-fresh', 'task-live', 'unrelated']);
  });

  it('removes an old symlink itself, never what it points at', async () => {
    const target = await mkdtemp(join(tmpdir(), 'mediaflow-leftovers-target-'));
    try {
      await writeFile(join(target, 'keep'), 'kept');
      await symlink(target, join(dir, 'link'));
      const at = new Date(Date.now() - 20 * MINUTE);
      await lutimes(join(dir, 'link'), at, at);
      expect(await sweepLeftovers(dir, { graceMs: 15 * MINUTE, live: new Set() })).toEqual([
        join(dir, 'link'),
      ]);
      expect(await readdir(target)).toEqual(['keep']);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });

  it('finds nothing in a directory that is not there', async () => {
    await expect(
      sweepLeftovers(join(dir, 'missing'), { graceMs: 0, live: new Set() }),
    ).resolves.toEqual([]);
  });
});
