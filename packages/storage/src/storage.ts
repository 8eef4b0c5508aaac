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

/** The longest life of a SigV4 presigned URL: 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** How a presigned download is to be answered. */
export interface PresignedGetOptions {
  /** How long the URL works; S3 (SigV4) allows 1 to 604800 (7 days). */
  expiresInSeconds: number;
  /** Sent back as `Content-Disposition: inline` with this name. */
  filename?: string;
  /** Sent back as `Content-Type`, whatever the object was stored with. */
  contentType?: string;
  /** When the URL is signed (its life counts from then); now by default. */
  now?: Date;
}

/**
 * A driver whose objects a client can fetch straight from the store, with a
 * URL that carries its own expiring signature (S3's presigned GET).
 */
export interface PresigningStorage {
  presignedGetUrl(key: string, options: PresignedGetOptions): Promise<string>;
}

/** Whether `storage` can hand out presigned download URLs. */
export function canPresign(storage: Storage): storage is Storage & PresigningStorage {
  return typeof (storage as Partial<PresigningStorage>).presignedGetUrl === 'function';
}

/**
 * A driver whose writes cut short by a killed process leave bytes in a place
 * of its own, which it can sweep: the local driver's `.tmp`. The S3 driver
 * stages nothing locally; a put killed mid-way leaves an incomplete
 * multipart upload in the bucket (bodies past one part), which only a
 * lifecycle rule (AbortIncompleteMultipartUpload) removes.
 */
export interface PartialWriteSweeping {
  /**
   * Removes the partial writes no write has touched for longer than
   * `graceMs`, except this instance's own under way; answers what it removed.
   */
  sweepPartialWrites(graceMs: number, now?: number): Promise<string[]>;
}

/** Whether `storage` keeps partial writes where it can sweep them. */
export function canSweepPartialWrites(storage: Storage): storage is Storage & PartialWriteSweeping {
  return typeof (storage as Partial<PartialWriteSweeping>).sweepPartialWrites === 'function';
}

export class StorageNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored object at ${key}`);
    this.name = 'StorageNotFoundError';
  }
}
