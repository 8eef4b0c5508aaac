import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from './content-disposition';
import { assertStorageKey, assertStoragePrefix } from './key-validation';
import {
  MAX_PRESIGN_SECONDS,
  type ByteRange,
  type PresignedGetOptions,
  type PresigningStorage,
  type Storage,
  type StoredObject,
  StorageNotFoundError,
} from './storage';

const MIB = 1024 * 1024;

/**
 * A multipart upload holds `queueSize` parts in flight and fills one more
 * (and a copy of it while lib-storage cuts it), so a put holds about
 * (queueSize + 2) × partSize = 48 MiB, whatever the body's size; the
 * process grows by up to 64 MiB more until V8 collects freed Buffers
 * (s3-storage.memory.integration.spec.ts measures 108–124 MiB for a 200 MB body).
 * 8 MiB parts reach 78 GiB within S3's 10 000 parts; bodies smaller than
 * one part go up as a single PutObject.
 */
export const S3_PART_SIZE = 8 * MIB;
export const S3_QUEUE_SIZE = 4;

/** S3's limit of parts in one multipart upload. */
const MAX_PARTS = 10_000;

/** DeleteObjects takes at most this many keys; ListObjectsV2 pages are the same size. */
const DELETE_BATCH = 1000;

export interface S3StorageOptions {
  bucket: string;
  /** `us-east-1` when not given; MinIO ignores it, R2 wants `auto`. */
  region?: string;
  /** An S3-compatible service (MinIO, R2, …) instead of AWS. */
  endpoint?: string;
  /** `bucket` in the path rather than the host name; by default, whenever `endpoint` is set. */
  forcePathStyle?: boolean;
  /** Otherwise the AWS SDK's default chain (environment, profile, instance or task role, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Keys are stored under it (`mediaflow/` → `mediaflow/projects/…`), so one bucket can hold several installations. */
  prefix?: string;
  /** Bytes per multipart part, at least 5 MiB (S3's minimum). */
  partSize?: number;
  /** Parts uploaded at once. */
  queueSize?: number;
}

/**
 * Storage in an S3 bucket (AWS S3, MinIO, Cloudflare R2). Bodies stream
 * through multipart uploads in bounded memory, and like the local driver a
 * reader sees a whole object or none: S3 makes an object visible only once
 * its upload completes, and a failed upload is aborted.
 */
export class S3Storage implements Storage, PresigningStorage {
  readonly bucket: string;
  /** The prefix every key is stored under: empty, or ending with `/`. */
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix
      ? `${assertStoragePrefix(options.prefix.replace(/^\/+/, ''))}/`
      : '';
    this.partSize = options.partSize ?? S3_PART_SIZE;
    this.queueSize = options.queueSize ?? S3_QUEUE_SIZE;
    if (this.partSize < 5 * MIB) throw new RangeError('S3 parts must be at least 5 MiB');
    const config: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    if (options.endpoint !== undefined) {
      config.endpoint = options.endpoint;
      // Since 2025 the SDK adds CRC checksums to every upload, which several
      // S3-compatible services refuse or mishandle; send them only where S3
      // requires one (DeleteObjects), as MinIO's and R2's guides advise.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
  }

  async put(key: string, body: Readable): Promise<{ size: number }> {
    return this.upload(this.keyOf(key), body);
  }

  async putFile(key: string, path: string): Promise<{ size: number }> {
    const objectKey = this.keyOf(key);
    // Opened first, so a missing file fails with ENOENT before anything is sent.
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return await this.upload(objectKey, handle.createReadStream({ autoClose: false }), size);
    } finally {
      await handle.close();
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const objectKey = this.keyOf(key);
    if (range) checkRange(range);
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
        }),
      );
    } catch (error) {
      if (isMissing(error)) throw new StorageNotFoundError(key);
      // 416: the range starts at or past the end, as LocalStorage reports it.
      if (errorName(error) === 'InvalidRange' || statusOf(error) === 416) {
        throw new RangeError(`Range start ${range?.start} is outside the object ${key}`, {
          cause: error,
        });
      }
      throw error;
    }
    const stream = response.Body as Readable;
    if (!range) return { stream, size: response.ContentLength ?? 0 };
    const total = /\/(\d+)$/.exec(response.ContentRange ?? '');
    if (!total) {
      // A 200 to a Range request would hand the caller the wrong bytes.
      stream.destroy();
      throw new Error(`The S3 service ignored the Range of ${key}`);
    }
    return { stream, size: Number(total[1]) };
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }),
      );
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that is not there.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    // Prefixes end at a segment: `…/1/` never takes `…/10/` with it.
    const listed = `${this.prefix}${assertStoragePrefix(prefix)}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: listed,
          MaxKeys: DELETE_BATCH,
          ContinuationToken: token,
        }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const result = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        // DeleteObjects answers 200 even when some keys failed: they are listed in Errors.
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new Error(
            `Could not delete ${failed.length} of ${batch.length} objects under ${prefix}: ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
          );
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Downloads the object into a new directory under `dir`, keeping its name (tools go by the extension). */
  async localPath(key: string, dir: string): Promise<string> {
    const { stream } = await this.get(key);
    let folder: string | undefined;
    try {
      await mkdir(dir, { recursive: true });
      folder = await mkdtemp(join(dir, 'input-'));
      const path = join(folder, basename(key));
      await pipeline(stream, createWriteStream(path, { flags: 'wx' }));
      return path;
    } catch (error) {
      stream.destroy();
      if (folder) await rm(folder, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * A URL that fetches the object straight from the bucket until it expires,
   * Range requests included. It checks nothing else: anyone holding it can
   * read the object, as with the gateway's own signed URLs.
   */
  async presignedGetUrl(key: string, options: PresignedGetOptions): Promise<string> {
    const { expiresInSeconds } = options;
    if (
      !Number.isSafeInteger(expiresInSeconds) ||
      expiresInSeconds < 1 ||
      expiresInSeconds > MAX_PRESIGN_SECONDS
    ) {
      throw new RangeError(
        `A presigned URL lives 1 to ${MAX_PRESIGN_SECONDS} seconds, not ${expiresInSeconds}`,
      );
    }
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.keyOf(key),
      ...(options.filename !== undefined
        ? { ResponseContentDisposition: contentDisposition(options.filename) }
        : {}),
      ...(options.contentType !== undefined ? { ResponseContentType: options.contentType } : {}),
    });
    return getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      ...(options.now ? { signingDate: options.now } : {}),
    });
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.client.destroy();
  }

  /** Streams `body` to `objectKey`; `size`, when known, lets the SDK check it sent every byte. */
  private async upload(
    objectKey: string,
    body: Readable,
    size?: number,
  ): Promise<{ size: number }> {
    let sent = 0;
    const counted = Readable.from(
      (async function* () {
        for await (const chunk of body) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
          sent += bytes.length;
          yield bytes;
        }
      })(),
    );
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: counted,
        ...(size !== undefined ? { ContentLength: size } : {}),
      },
      // A known size past 10 000 parts (78 GiB) gets parts large enough to fit.
      partSize: Math.max(this.partSize, Math.ceil((size ?? 0) / MAX_PARTS)),
      queueSize: this.queueSize,
      // A failed multipart upload is aborted, so its parts do not linger (and bill).
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // The upload stopped reading: let go of the caller's body (a socket, a file).
      counted.destroy();
      body.destroy();
      throw error;
    }
    return { size: sent };
  }

  private keyOf(key: string): string {
    assertStorageKey(key);
    return `${this.prefix}${key}`;
  }
}

function checkRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new RangeError(`Range start ${start} is not a byte offset`);
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new RangeError(`Range end ${end} is before its start ${start}`);
  }
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/** GetObject says NoSuchKey; HeadObject, having no body, only its status. A missing bucket is no missing key. */
function isMissing(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}
