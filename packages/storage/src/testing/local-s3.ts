import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { S3StorageOptions } from '../s3-storage';
import { startSigV4Proxy } from './sigv4-proxy';

/**
 * The child's program: s3rver on a free loopback port, with its GetObject
 * ranges made to behave as S3's. s3rver 3.7.1 reads `bytes=0-0` as the
 * whole object, and answers a range of an empty object with a 206 that
 * promises one byte and sends none (the client then waits forever); S3
 * sends the one byte, and 416 InvalidRange for the empty object.
 */
const SERVER_PROGRAM = `
const path = require('node:path');
const fs = require('node:fs');
const S3rver = require(process.env.S3RVER_DIR);
const FilesystemStore = require(path.join(process.env.S3RVER_DIR, 'lib/stores/filesystem'));
const S3Object = require(path.join(process.env.S3RVER_DIR, 'lib/models/object'));

FilesystemStore.prototype.getObject = async function getObject(bucket, key, options = {}) {
  let metadata;
  try {
    metadata = await this.getMetadata(bucket, key);
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  const size = Number(metadata['content-length']);
  const ranged = options.start !== undefined || options.end !== undefined;
  const range = { start: options.start ?? 0, end: Math.min(options.end ?? Infinity, size - 1) };
  if (ranged && (range.start < 0 || range.end < range.start)) {
    const object = new S3Object(bucket, key, null, metadata);
    object.range = range;
    return object;
  }
  const content = await new Promise((resolve, reject) => {
    const stream = fs
      .createReadStream(this.getResourcePath(bucket, key, 'object'), ranged ? range : {})
      .on('error', reject)
      .on('open', () => resolve(stream));
  });
  const object = new S3Object(bucket, key, content, metadata);
  if (ranged) object.range = range;
  return object;
};

new S3rver({
  directory: process.env.S3RVER_DATA,
  address: '127.0.0.1',
  port: 0,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET, configs: [] }],
})
  .run()
  .then(({ address, port }) => console.log('S3rver listening on ' + address + ':' + port))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
`;

/** s3rver's one account: it checks every request's signature against this pair. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** What an S3Storage needs to use the bucket. */
  options: S3StorageOptions;
  /** The server's process, to measure or signal. */
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface LocalS3Options {
  bucket?: string;
  /**
   * Put the SigV4-checking proxy (sigv4-proxy.ts) in front, since s3rver
   * checks no SigV4 signature itself. Default true; a memory measurement
   * turns it off to keep the proxy out of the measured process.
   */
  checkSignatures?: boolean;
}

/**
 * A stand-in for S3 in tests: s3rver (a devDependency of this package) in a
 * child process on 127.0.0.1, a free port and a temporary directory, with
 * one empty bucket, behind a proxy that checks signatures as S3 does. The
 * server is out of process, so its memory and event loop are not the
 * test's; stop() ends it and removes its directory.
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const bucket = options.bucket ?? 'mediaflow-test';
  const directory = await mkdtemp(join(tmpdir(), 'mediaflow-s3rver-'));
  const child = spawn(
    process.execPath,
    [
      // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
      '--openssl-legacy-provider',
      '--eval',
      SERVER_PROGRAM,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        S3RVER_DIR: dirname(require.resolve('s3rver/package.json')),
        S3RVER_DATA: directory,
        S3RVER_BUCKET: bucket,
      },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let proxy: { port: number; close(): Promise<void> } | undefined;
  const stop = async () => {
    await proxy?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on [^:\s]+:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${err.trim()}`)));
    });
    // Keep draining its output so a chatty server never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
    if (options.checkSignatures ?? true) {
      proxy = await startSigV4Proxy(
        { host: '127.0.0.1', port },
        new Map([[LOCAL_S3_CREDENTIALS.accessKeyId, LOCAL_S3_CREDENTIALS.secretAccessKey]]),
      );
    }
    const endpoint = `http://127.0.0.1:${proxy?.port ?? port}`;
    return {
      endpoint,
      bucket,
      options: { bucket, endpoint, region: 'us-east-1', credentials: LOCAL_S3_CREDENTIALS },
      process: child,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
