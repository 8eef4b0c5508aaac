import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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
// chart deploys), on a real nats-server that also requires TLS (the chart's
// nats.tls option: tls:// URLs, the CA in NODE_EXTRA_CA_CERTS): every app
// connects as its role and a run goes through end to end; a worker cannot
// queue work or call the scheduler; nothing connects without a password.

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
/** A CA and a certificate for 127.0.0.1 signed by it, made with openssl in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=mediaflow test CA',
  );
  openssl(
    'req',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
  );
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

function authorizationConf(): string {
  const values = parse(readFileSync(path.join(REPO_ROOT, 'infra/values/nats.yaml'), 'utf8'));
  return JSON.stringify(values.config.merge.authorization).replace(/"<< (\$[A-Z_]+) >>"/g, '$1');
}

describe('NATS with the chart’s users and permissions', () => {
  const fixtures = new Fixtures();
  const passwords = Object.fromEntries(
    ['gateway', 'registry', 'scheduler', 'worker', 'admin'].map((role) => [
      role,
      // As docs/deploy-kubernetes.md makes them: nats-server parses a variable's
      // value as a config value, so a password must start with a letter.
      `p${randomBytes(12).toString('hex')}`,
    ]),
  );
  let storeDir: string;
  let server: ChildProcess;
  /** What nats-server logged: each permission it refused is a line. */
  let serverLog = '';
  let natsUrl: string;
  let caFile: string;
  let files: FixtureServer;
  let system: System;

  const connectAs = (role: string | null): Promise<NatsConnection> =>
    connect({
      servers: natsUrl,
      tls: { ca: readFileSync(caFile, 'utf8') },
      ...(role ? { user: role, pass: passwords[role] } : {}),
      reconnect: false,
    });

  beforeAll(async () => {
    storeDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-nats-auth-'));
    const port = await freePort();
    natsUrl = `tls://127.0.0.1:${port}`;
    const tls = makeCertificates(storeDir);
    caFile = tls.ca;
    const conf = path.join(storeDir, 'nats.conf');
    writeFileSync(
      conf,
      [
        `listen: "127.0.0.1:${port}"`,
        `jetstream { store_dir: "${storeDir}/js" }`,
        `tls { cert_file: "${tls.cert}", key_file: "${tls.key}" }`,
        `authorization: ${authorizationConf()}`,
      ].join('\n'),
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
        if (server.exitCode !== null)
          throw new Error(`nats-server exited: ${serverLog}`, { cause: error });
        if (i > 300) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    await fixtures.jpeg('photo.jpg', 800, 600);
    files = await FixtureServer.start(fixtures.dir);
    system = await System.start(
      Object.keys(ROLES),
      {
        NATS_URL: natsUrl,
        NODE_EXTRA_CA_CERTS: caFile,
        MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
        NATS_AUTH_REQUIRED: 'true',
      },
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
    // The registry's automation event reached the scheduler's log (relayed as it was made).
    const logged = async () =>
      (await api('GET', `/events?type=automation.created&automation_id=${created.body.id}`)).body
        .data as { data: { id: string } }[];
    for (let i = 0; i < 100 && (await logged()).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await logged()).map((e) => e.data.id)).toEqual([created.body.id]);
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

  it('lets nothing in without TLS, or with a certificate it does not trust', async () => {
    await expect(
      connect({
        servers: natsUrl.replace('tls:', 'nats:'),
        tls: null,
        user: 'admin',
        pass: passwords.admin,
        reconnect: false,
      }),
    ).rejects.toThrow(/tls|secure/i);
    await expect(
      connect({ servers: natsUrl, user: 'admin', pass: passwords.admin, reconnect: false }),
    ).rejects.toThrow(/certificate/i);
  });
});
