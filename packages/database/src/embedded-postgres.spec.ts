import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firstUnsearchableAncestor } from './embedded-postgres';

describe('firstUnsearchableAncestor', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'mediaflow-search-'));
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // Another user than the files' owner; `group` shares the files' group.
  const other = { uid: 54321, gid: 54321 };
  const group = () => ({ uid: 54321, gid: process.getgid!() });

  it.each([
    ['a private directory (0700)', 0o700, () => other, true],
    ['search for others only (0701)', 0o701, () => other, false],
    ['search for the group, as a group member (0710)', 0o710, group, false],
    ['search for others, but the group class applies to a member (0701)', 0o701, group, true],
    ['read without search (0744)', 0o744, () => other, true],
  ])('%s', async (name, mode, user, blocked) => {
    const dir = path.join(root, name.replace(/\W+/g, '-'));
    await mkdir(path.join(dir, 'inner'), { recursive: true });
    await chmod(dir, mode);
    const found = await firstUnsearchableAncestor(path.join(dir, 'inner'), user());
    await chmod(dir, 0o755);
    expect(found).toEqual(blocked ? { dir, mode } : undefined);
  });
});
