import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { parse } from 'yaml';
import {
  client,
  Fixtures,
  FixtureServer,
  freePort,
  REPO_ROOT,
  System,
  waitForTask,
} from '@mediaflow/testing';

// The NATS users and permissions of infra/values/nats.yaml (what the Helm
// chart deploys), on a real nats-server: every app connects as its role and a
// run goes through end to end; a worker cannot queue work or call the
// scheduler; nothing connects without a password.

const NATS_SERVER = process.env.NATS_SERVER_PATH ?? '/usr/sbin/nats-server';
const ROLES: Record<string, string> = {
  'automation-registry': 'registry',
  scheduler: 'scheduler',
  'worker-video': 'worker',
  'worker-image': 'worker',
  gateway: 'gateway',
};

/**
 * The chart's `config.merge.authorization` as nats.conf: `<< $VAR >>` is the
 * NATS chart's way of writing a bare variable, which the server reads from
 * its environment.
 */
function authorizationConf(): string {
  const values = parse(readFileSync(path.join(REPO_ROOT, 'infra/values/nats.yaml'), 'utf8'));
  return JSON.stringify(values.config.merge.authorization).replace(/"<< (\$[A-Z_]+) >>"/g, '$1');
}

describe('NATS with the chart’s users and permissions', () => {
  const fixtures = new Fixtures();
  const passwords = Object.fromEntries(
    ['gateway', 'registry', 'scheduler', 'worker', 'admin'].map((role) => [
      role,
      randomBytes(12).toString('hex'),
    ]),
  );
  let storeDir: string;
  let server: ChildProcess;
  /** What nats-server logged: each permission it refused is a line. */
  let serverLog = '';
  let natsUrl: string;
  let files: FixtureServer;
  let system: System;

  const connectAs = (role: string | null): Promise<NatsConnection> =>
    connect({
      servers: natsUrl,
      ...(role ? { user: role, pass: passwords[role] } : {}),
      reconnect: false,
    });

  beforeAll(async () => {
    storeDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-nats-auth-'));
    const port = await freePort();
    natsUrl = `nats://127.0.0.1:${port}`;
    const conf = path.join(storeDir, 'nats.conf');
    writeFileSync(
      conf,
      `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${storeDir}/js" }\nauthorization: ${authorizationConf()}\n`,
    );
    server = spawn(NATS_SERVER, ['-c', conf], {
      env: Object.fromEntries(
        Object.entries(passwords).map(([role, password]) => [
          `MEDIAFLOW_NATS_${role.toUpperCase()}`,
          password,
        ]),
      ),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
    for (let i = 0; ; i++) {
      try {
        await (await connectAs('admin')).close();
        break;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    await fixtures.jpeg('photo.jpg', 800, 600);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(
      Object.keys(ROLES),
      { NATS_URL: natsUrl, MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1', NATS_AUTH_REQUIRED: 'true' },
      {
        ownNats: true,
        appEnv: Object.fromEntries(
          Object.entries(ROLES).map(([app, role]) => [
            app,
            { NATS_USER: role, NATS_PASSWORD: passwords[role]! },
          ]),
        ),
      },
    );
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    server?.kill();
    await files?.close();
    fixtures.remove();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  it('runs an automation with every app connected as its role', async () => {
    const api = client(system.baseUrl, system.adminKey);
    const created = await api('POST', '/automations', {
      body: {
        name: 'nats auth',
        workflow: [{ kind: 'image', options: { width: 64 }, ref: 'small' }],
      },
    });
    expect(created.status).toBe(201);
    const run = await api('POST', `/automations/${created.body.id}/run`, {
      body: { url: files.url('photo.jpg') },
    });
    expect(run.status).toBe(201);
    const done = await waitForTask(api, run.body.id);
    expect(done.status).toBe('completed');
    // Nothing an app does was refused on the way (a refused subscribe or publish only logs).
    expect(serverLog).not.toMatch(/Violation/);
    for (const app of system.apps.values()) expect(app.output()).not.toMatch(/permission/i);
  });

  it('keeps a worker from queueing work', async () => {
    const admin = await connectAs('admin');
    const worker = await connectAs('worker');
    try {
      const jsm = await admin.jetstreamManager();
      const before = (await jsm.streams.info('TASKS')).state.last_seq;
      worker.publish('tasks.run.image', new TextEncoder().encode('{}'));
      await worker.flush();
      // The stream would have stored it by now, had the server let it through.
      await admin.flush();
      expect((await jsm.streams.info('TASKS')).state.last_seq).toBe(before);
      expect(serverLog).toMatch(/Publish Violation - User "worker", Subject "tasks\.run\.image"/);
    } finally {
      await worker.close();
      await admin.close();
    }
  });

  it('keeps a worker from calling the scheduler', async () => {
    const worker = await connectAs('worker');
    try {
      await expect(
        worker.request('scheduler.tasks.get', new TextEncoder().encode('{}'), { timeout: 2_000 }),
      ).rejects.toThrow(/permission|timeout|no responders/i);
      await worker.flush().catch(() => undefined);
      expect(serverLog).toMatch(
        /Publish Violation - User "worker", Subject "scheduler\.tasks\.get"/,
      );
    } finally {
      await worker.close();
    }
  });

  it('lets nothing in without a password', async () => {
    await expect(connectAs(null)).rejects.toThrow(/authorization/i);
  });
});
