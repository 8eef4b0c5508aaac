import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '@mediaflow/config';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { freePort } from '../../test/http-client';
import { startGateway, type RunningGateway } from '../bootstrap';
import { gatewayConfigSchema } from '../config';
import { PARTIAL_WRITE_GRACE_MS, PartialWriteSweeper } from './partial-write-sweeper';

// Real gateways on the real PostgreSQL and NATS, sharing one data directory
// as replicas share a volume: one a process killed with SIGKILL mid-upload,
// the others in this process. The child runs src/main.ts through the
// decorator-aware loader worker-kit's process tests use: never a stale dist/.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REGISTER_TS = path.resolve(
  __dirname,
  '../../../../packages/worker-kit/src/testing/register-ts.js',
);
const MAIN = path.resolve(__dirname, '../main.ts');
const ADMIN_KEY = `test_admin_${randomBytes(12).toString('hex')}`;
const CHUNK = Buffer.alloc(64 * 1024, 7);

let db: TestDatabase;
let dataDir: string;
let tempDir: string;
let prefix: string;
let killed: ChildProcess | undefined;
const uploads: ClientRequest[] = [];
const gateways: RunningGateway[] = [];

const env = (port: number): Record<string, string> => ({
  DATABASE_URL: db.url,
  NATS_URL,
  NATS_SUBJECT_PREFIX: prefix,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  MEDIAFLOW_API_KEY: ADMIN_KEY,
  MEDIAFLOW_DATA_DIR: dataDir,
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The temp files of the storage's writes, with their sizes. */
async function partialWrites(): Promise<Map<string, number>> {
  const names = await readdir(tempDir).catch(() => [] as string[]);
  const sizes = new Map<string, number>();
  for (const name of names) {
    const info = await stat(path.join(tempDir, name)).catch(() => null);
    if (info) sizes.set(name, info.size);
  }
  return sizes;
}

/** `POST /files` whose body has sent one chunk and goes on no further: an upload under way. */
async function startUpload(port: number): Promise<string> {
  const before = new Set((await partialWrites()).keys());
  const upload = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/files',
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      'content-type': 'application/octet-stream',
    },
  });
  upload.on('error', () => undefined);
  upload.write(CHUNK);
  uploads.push(upload);
  return waitFor(async () => {
    for (const [name, size] of await partialWrites()) {
      if (!before.has(name) && size >= CHUNK.length) return name;
    }
    return undefined;
  }, 'the upload to reach storage');
}

/** The gateway's own main, from its TypeScript source, as a process of its own. */
async function startGatewayProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', REGISTER_TS, MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`the gateway exited at start:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null);
    return ready?.status === 200 ? true : undefined;
  }, 'the gateway process to be ready');
  return child;
}

async function startReplica(): Promise<RunningGateway> {
  const gateway = await startGateway(parseConfig(gatewayConfigSchema, env(await freePort())), {
    shutdownHooks: false,
  });
  gateways.push(gateway);
  return gateway;
}

/** Sets a partial write's last write `ms` back, as that much time without a byte would. */
async function age(name: string, ms: number): Promise<void> {
  const at = new Date(Date.now() - ms);
  await utimes(path.join(tempDir, name), at, at);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'gateway-sweep-'));
  tempDir = path.join(dataDir, 'files', '.tmp');
  prefix = `gws${randomBytes(5).toString('hex')}`;
});

afterAll(async () => {
  for (const upload of uploads) upload.destroy();
  if (killed && killed.exitCode === null && killed.signalCode === null) killed.kill('SIGKILL');
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await db?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

it('a gateway killed mid-upload leaves a partial file; a replica starting removes it and keeps a live upload of another', async () => {
  // A gateway process takes part of an upload, then is killed: nothing of it runs to clean up.
  const port = await freePort();
  killed = await startGatewayProcess(port);
  const orphan = await startUpload(port);
  const exited = new Promise((resolve) => killed!.once('exit', resolve));
  killed.kill('SIGKILL');
  await exited;
  expect((await partialWrites()).get(orphan)).toBeGreaterThanOrEqual(CHUNK.length);

  // The grace passes without a byte: the orphan is old. A live replica has an upload under way.
  await age(orphan, PARTIAL_WRITE_GRACE_MS + 60_000);
  const live = await startReplica();
  const underWay = await startUpload(Number(new URL(live.url).port));

  // Another replica starts on the shared volume: it sweeps before it listens.
  await startReplica();
  const left = await partialWrites();
  expect(left.has(orphan)).toBe(false);
  expect(left.has(underWay)).toBe(true);

  // The live replica's own upload is kept by its own sweeps however long it has been silent.
  await age(underWay, PARTIAL_WRITE_GRACE_MS + 60_000);
  await live.app.get(PartialWriteSweeper).sweep();
  expect((await partialWrites()).has(underWay)).toBe(true);
}, 90_000);
