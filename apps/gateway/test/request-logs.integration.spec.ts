import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { StoredFile } from '@mediaflow/contracts';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus } from '@mediaflow/messaging';
import { LocalStorage, outputKey, signFileUrl } from '@mediaflow/storage';
import { FakeRegistry } from './fake-registry';
import { FakeScheduler } from './fake-scheduler';
import { call, freePort } from './http-client';

// The built gateway as its own process, every level logged (pino writes to
// fd 1, which only a process boundary captures), against the real PostgreSQL
// and NATS, the scheduler faked on the bus: credentials a request carries
// appear in no line, its path does.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const MAIN = join(__dirname, '..', 'dist', 'main.js');
const secret = (name: string) => `${name}_${randomBytes(12).toString('hex')}`;
const ADMIN_KEY = secret('test_admin');
const SIGNING_SECRET = secret('signing_secret');

describe('request logs of the gateway (LOG_LEVEL=trace, real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let bus: NatsMessageBus;
  let registry: FakeRegistry;
  let scheduler: FakeScheduler;
  let gateway: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-logs-'));
    const prefix = `gwl${randomBytes(5).toString('hex')}`;
    bus = await NatsMessageBus.connect({ url: NATS_URL, name: 'fakes', subjectPrefix: prefix });
    registry = new FakeRegistry(bus);
    scheduler = new FakeScheduler(bus);
    await Promise.all([registry.start(), scheduler.start()]);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gateway = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NATS_URL,
        NATS_SUBJECT_PREFIX: prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'trace',
        MEDIAFLOW_API_KEY: ADMIN_KEY,
        MEDIAFLOW_SIGNING_SECRET: SIGNING_SECRET,
        MEDIAFLOW_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await ready();
  }, 60_000);

  afterAll(async () => {
    await stop();
    await Promise.all([registry?.stop(), scheduler?.stop()]);
    await bus?.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function ready(): Promise<void> {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      if (gateway.exitCode !== null) throw new Error(`the gateway exited:\n${output}`);
      const status = await fetch(`${base}/ready`).then(
        (answer) => answer.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the gateway was not ready within 30 s:\n${output}`);
  }

  /** Stops the gateway and waits for its last line. */
  function stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!gateway || gateway.exitCode !== null || gateway.signalCode !== null) return resolve();
      gateway.once('exit', () => resolve());
      gateway.kill('SIGTERM');
    });
  }

  /** A file of the default project whose bytes are in the gateway's local storage. */
  async function storedFile(): Promise<StoredFile> {
    const projectId = (await call(base, 'GET', '/api-keys', { key: ADMIN_KEY })).body.data[0]
      .project_id as string;
    const taskId = 'task_logs00000000001';
    const bytes = randomBytes(1024);
    const key = outputKey(projectId, taskId, 1, 'clip.mp4');
    await new LocalStorage(join(dataDir, 'files')).put(key, Readable.from([bytes]));
    return scheduler.addFile({
      project_id: projectId,
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      filename: 'clip.mp4',
      ref: null,
      width: 320,
      height: 240,
      duration: 1,
      fps: 10,
      filesize: bytes.length,
      has_audio: false,
      has_video: true,
      language: null,
      task_id: taskId,
      storage_key: key,
    });
  }

  it('never show a signature, an API key, an Authorization, a Cookie or an ?api_key=, at any level', async () => {
    const file = await storedFile();
    const { expires, signature } = signFileUrl({
      fileId: file.id,
      expiresAt: new Date(Date.now() + 3_600_000),
      secret: SIGNING_SECRET,
    });
    const path = `/files/${file.id}/content`;
    const signed = `${path}?expires=${expires}&signature=${signature}&project_id=${file.project_id}`;
    const tampered = signature.replace(/^./, (digit) => (digit === '0' ? '1' : '0'));
    const headerKey = secret('sk_header');
    const cookie = secret('session');
    const token = secret('tok');
    const unknownKey = secret('sk_unknown');

    // A download (info) and a refused one (a 4xx, warn), each sending every credential header.
    const credentials = { 'x-api-key': headerKey, cookie: `session=${cookie}` };
    expect((await call(base, 'GET', signed, { headers: credentials })).status).toBe(200);
    expect(
      (
        await call(base, 'GET', signed.replace(signature, tampered), {
          key: unknownKey,
          headers: credentials,
        })
      ).status,
    ).toBe(401);
    // Keys are taken from Authorization only: in the query or in X-Api-Key they are refused.
    expect((await call(base, 'GET', `/api-keys?api_key=${ADMIN_KEY}`)).status).toBe(401);
    expect(
      (await call(base, 'GET', '/api-keys', { headers: { 'x-api-key': ADMIN_KEY } })).status,
    ).toBe(401);
    expect((await call(base, 'GET', '/api-keys', { key: ADMIN_KEY })).status).toBe(200);
    // Not found: Nest's message quotes the URL.
    expect((await call(base, 'GET', `/no-such-route?token=${token}`)).status).toBe(404);
    await stop();

    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg?: string; req?: { url?: string } });
    // trace, debug or info lines as well as the warnings: the level let everything through.
    expect(lines.some((line) => line.level <= 30)).toBe(true);
    const urls = lines.flatMap((line) => (line.req?.url ? [line.req.url] : []));
    expect(urls).toEqual(
      expect.arrayContaining([
        `${path}?expires=${expires}&signature=[REDACTED]&project_id=${file.project_id}`,
        '/api-keys?api_key=[REDACTED]',
        '/no-such-route?token=[REDACTED]',
      ]),
    );
    for (const credential of [
      signature,
      tampered,
      ADMIN_KEY,
      unknownKey,
      headerKey,
      cookie,
      token,
    ]) {
      expect(output).not.toContain(credential);
    }
  });
});
