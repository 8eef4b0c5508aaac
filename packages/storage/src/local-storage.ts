import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertStorageKey, assertStoragePrefix } from './key-validation';
import { sweepLeftovers } from './leftovers';
import {
  type ByteRange,
  type PartialWriteSweeping,
  type Storage,
  type StoredObject,
  StorageNotFoundError,
} from './storage';

/** Where in-flight writes live: inside the root, so the final rename never crosses filesystems. */
const TEMP_DIR = '.tmp';

/**
 * Storage in a local directory. Writes land in a temp file first and are
 * renamed into place, so a reader sees the old whole file or the new whole
 * file, never half of one; concurrent writers of a key leave the last one.
 */
export class LocalStorage implements Storage, PartialWriteSweeping {
  readonly root: string;
  /** The temp files of this instance's writes under way. */
  private readonly writing = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Readable): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const temp = await this.tempPath();
    try {
      // flush: the bytes are on disk before the rename makes them visible.
      const out = createWriteStream(temp, { flags: 'wx', flush: true });
      await pipeline(body, out);
      await moveIntoPlace(temp, target);
      return { size: out.bytesWritten };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    } finally {
      this.writing.delete(temp);
    }
  }

  async putFile(key: string, path: string): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const temp = await this.tempPath();
    try {
      // A copy, never a move: the caller's file (often in a work directory) stays its own.
      await copyFile(path, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      const handle = await open(temp, 'r+');
      let size: number;
      try {
        await handle.datasync();
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
      await moveIntoPlace(temp, target);
      return { size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    } finally {
      this.writing.delete(temp);
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const path = this.pathOf(key);
    // Open first, then read size and bytes from the same handle: a rename
    // landing meanwhile cannot mix two versions of the file.
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw isMissing(error) ? new StorageNotFoundError(key) : error;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new StorageNotFoundError(key);
      const size = info.size;
      if (!range) return { stream: handle.createReadStream(), size };
      const { start } = range;
      if (!Number.isSafeInteger(start) || start < 0 || start >= size) {
        throw new RangeError(`Range start ${start} is outside 0..${size - 1} of ${key}`);
      }
      if (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < start)) {
        throw new RangeError(`Range end ${range.end} is before its start ${start}`);
      }
      const end = Math.min(range.end ?? size - 1, size - 1);
      return { stream: handle.createReadStream({ start, end }), size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(join(this.root, assertStoragePrefix(prefix)), { recursive: true, force: true });
  }

  /**
   * Removes what writes cut short left in `.tmp`: a process killed mid-put
   * (a gateway mid-upload, a worker storing an output) never reaches its
   * cleanup. A write under way keeps its temp file's mtime fresh as bytes
   * arrive, so one untouched for `graceMs` is a dead process's, whichever
   * process or host shares the directory; this instance's own are kept
   * regardless.
   */
  sweepPartialWrites(graceMs: number, now = Date.now()): Promise<string[]> {
    return sweepLeftovers(join(this.root, TEMP_DIR), { graceMs, now, live: this.writing });
  }

  /** The file itself (symlinks resolved); `dir` is for remote drivers, which download into it. */
  async localPath(key: string, _dir?: string): Promise<string> {
    const path = this.pathOf(key);
    if ((await this.stat(key)) === null) throw new StorageNotFoundError(key);
    return realpath(path);
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }

  /** A new temp file's path, counted as this instance's write under way until put or putFile ends. */
  private async tempPath(): Promise<string> {
    const dir = join(this.root, TEMP_DIR);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, randomUUID());
    this.writing.add(temp);
    return temp;
  }
}

async function moveIntoPlace(temp: string, target: string): Promise<void> {
  // A concurrent deletePrefix may remove the directory between mkdir and
  // rename; making it again is all that is needed.
  for (let attempt = 1; ; attempt++) {
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(temp, target);
      return;
    } catch (error) {
      if (!isMissing(error) || attempt >= 3) throw error;
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
