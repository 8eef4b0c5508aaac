import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import { Client } from 'pg';
import { freePort, REPO_ROOT } from '@mediaflow/testing';

// `node scripts/start-services.js` for real, with worker-image's port pointed
// at a stand-in that answers /health 200 {"status":"ok"}, as a program that
// happened to hold the port would: the script must stop at once, name the
// variable to set, and leave none of the apps it started running. On a NATS
// subject prefix, database and data directory of its own, removed afterwards.

const script = path.join(REPO_ROOT, 'scripts', 'start-services.js');
const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
/** Registry, scheduler and worker-video up first, then stopping: generous for a loaded CI. */
const EXIT_BOUND_MS = 60_000;

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * The processes whose environment holds `marker`, pid → the app its command
 * line runs: every process the script started, even once the script is gone
 * and they have a new parent. Linux's /proc.
 */
function processesWith(marker: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      found.set(Number(pid), /apps\/([\w-]+)\/dist\/main\.js/.exec(command)?.[1] ?? command);
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return found;
}

/** Removes the run's database and NATS streams, made by the apps it started. */
async function removeRunState(database: string, prefix: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const nats = await connect({ servers: NATS_URL });
  try {
    const jsm = await nats.jetstreamManager();
    for await (const stream of jsm.streams.list())
      if (stream.config.name.startsWith(`${prefix}_`)) await jsm.streams.delete(stream.config.name);
  } finally {
    await nats.close();
  }
}

describe('pnpm start:services', () => {
  const id = randomBytes(6).toString('hex');
  const prefix = `startsvc${id}`;
  const database = `mediaflow_startsvc_${id}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'start-services-'));
  const impostor = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok' }));
  });

  afterAll(async () => {
    impostor.close();
    rmSync(dataDir, { recursive: true, force: true });
    await removeRunState(database, prefix);
  });

  it('stops every app it started, naming the variable, when another program answers /health on a port', async () => {
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const impostorPort = (impostor.address() as AddressInfo).port;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !name.startsWith('MEDIAFLOW_PORT_') && name !== 'MEDIAFLOW_INSTANCE_ID',
      ),
    );
    const marker = `NATS_SUBJECT_PREFIX=${prefix}`;
    const child = spawn(process.execPath, [script], {
      cwd: REPO_ROOT,
      env: {
        ...env,
        NATS_URL,
        DATABASE_URL: withDatabase(BASE_DATABASE_URL, database),
        NATS_SUBJECT_PREFIX: prefix,
        MEDIAFLOW_DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PORT: String(await freePort()), // not 3000: someone's Mediaflow may be there
        MEDIAFLOW_PORT_WORKER_IMAGE: String(impostorPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

    // Who ran, noted while the script runs: once it exits, its apps must be gone.
    const seen = new Map<number, string>();
    const watch = setInterval(() => {
      for (const [pid, app] of processesWith(marker)) if (pid !== child.pid) seen.set(pid, app);
    }, 50);
    const exit = await new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('no exit');
      }, EXIT_BOUND_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(signal ?? code);
      });
    });
    clearInterval(watch);
    const left = processesWith(marker);
    for (const pid of left.keys()) process.kill(pid, 'SIGKILL');

    expect({ exit, output }).toEqual({ exit: 1, output: expect.any(String) });
    expect(output).toContain(
      `worker-image cannot start: port ${impostorPort} is taken by another program: ` +
        'set MEDIAFLOW_PORT_WORKER_IMAGE to a free port, or leave it unset for a free one',
    );
    expect(output).not.toMatch(/Mediaflow is running/);
    // The apps before worker-image were up, so stopping them all was tested.
    const apps = new Set(seen.values());
    for (const app of ['automation-registry', 'scheduler', 'worker-video'])
      expect([...apps]).toContain(app);
    expect(apps.has('gateway')).toBe(false);
    expect([...left].map(([pid, app]) => `${app} (pid ${pid})`)).toEqual([]);
  }, 90_000);
});
