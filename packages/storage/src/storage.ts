import type { Readable } from 'node:stream';

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP's Range header; to the end when omitted. */
  end?: number;
}

export interface StoredObject {
  stream: Readable;
  /** The whole object's size in bytes, whatever the range. */
  size: number;
}

/**
 * Where files' bytes live. Keys are relative paths (`projects/prj_…/…`);
 * bodies stream in and out, never whole in memory.
 */
export interface Storage {
  put(key: string, body: Readable): Promise<{ size: number }>;
  putFile(key: string, path: string): Promise<{ size: number }>;
  /** The bytes, or a range of them; a missing key rejects with StorageNotFoundError. */
  get(key: string, range?: ByteRange): Promise<StoredObject>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
  /** Deletes every key under a prefix (a task attempt's outputs). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * A local path to the bytes, for tools that need one (ffmpeg, sharp): the
   * local driver's own file, or for remote drivers a download into `dir`.
   */
  localPath(key: string, dir: string): Promise<string>;
}

export class StorageNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored object at ${key}`);
    this.name = 'StorageNotFoundError';
  }
}
