import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import type { PreparedSource, UploadOptions, UploadSource } from '../files/upload-body';
import { Files, type FileRef } from '../resources/files';
import type { FileUploadResult, RequestOptions } from '../types';

/** What `files.upload` takes in Node.js: a path on disk besides the bytes, Blobs and streams. */
export type NodeUploadSource = UploadSource | string | NodeJS.ReadableStream;

/** `files` in Node.js: uploads from a path, and downloads to one. */
export class NodeFiles extends Files {
  /**
   * Stores a file from a path (read again on a retry; named after it), bytes
   * (a Buffer), a Blob, or a stream (web or Node.js). See {@link Files.upload}.
   */
  override async upload(
    source: NodeUploadSource,
    options: UploadOptions = {},
  ): Promise<FileUploadResult> {
    return this.send(await this.prepare(source), options);
  }

  /**
   * Downloads the file to `path`: written to `<path>.part` and renamed once
   * whole, so `path` never holds half a file. Answers the bytes written.
   */
  async downloadTo(
    file: FileRef,
    path: string,
    options?: RequestOptions,
  ): Promise<{ path: string; bytes: number }> {
    const body = await this.download(file, options);
    const partial = `${path}.part`;
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>),
        count,
        createWriteStream(partial),
        { signal: options?.signal },
      );
      await rename(partial, path);
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
    return { path, bytes };
  }

  protected override async prepare(source: unknown): Promise<PreparedSource> {
    if (typeof source !== 'string') return super.prepare(source);
    const stats = await stat(source);
    if (!stats.isFile()) throw new TypeError(`files.upload: ${source} is not a file`);
    return {
      stream: () => Readable.toWeb(createReadStream(source)) as ReadableStream<Uint8Array>,
      size: stats.size,
      filename: basename(source),
      replayable: true,
    };
  }
}
