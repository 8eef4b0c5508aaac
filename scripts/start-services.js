#!/usr/bin/env node
// `pnpm start:services`: every app as its own process, as Kubernetes runs
// them, against NATS_URL and DATABASE_URL (the local servers by default).
// Ctrl-C (or SIGTERM) stops them all cleanly; if one dies, all stop.
//
// Ports: the gateway's is PORT (default 3000); every other app's is its
// MEDIAFLOW_PORT_<APP>, or one the OS finds free (scripts/service-ports.js).
// An app counts as up only when /health on its port answers with the random
// id this script gave it in MEDIAFLOW_INSTANCE_ID: an answer without it
// comes from something else on the port, and stops the start at once.
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const net = require('node:net');
const path = require('node:path');
const { checkDependencies, reachable } = require('./local-dependencies');
const {
  SERVICES,
  INSTANCE_VARIABLE,
  readPorts,
  isOurHealthAnswer,
  portTakenMessage,
} = require('./service-ports');

const root = path.resolve(__dirname, '..');

/** How long an app may take to answer /health after it is spawned. */
const START_TIMEOUT_MS = 60_000;

/**
 * `count` ports the OS hands out as free on loopback, none of them in `avoid`.
 * Every listener stays open until all are picked, so no two are the same.
 */
async function freePorts(count, avoid) {
  const servers = [];
  const ports = [];
  try {
    while (ports.length < count) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      const { port } = server.address();
      if (!avoid.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
  }
  return ports;
}

const isRunning = (child) => child.exitCode === null && child.signalCode === null;

/**
 * Waits until `child` answers /health on `port` with `instance`. Returns
 * undefined then, or the line saying why it did not: something else answers
 * on the port, the child exited, or it stayed silent past the deadline.
 */
async function waitForOwnHealth({ service, port, picked }, child, instance, isStopping) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !isStopping()) {
    if (!isRunning(child)) {
      // Most often it could not bind: something holds the port without speaking HTTP.
      if (await reachable(`http://127.0.0.1:${port}`, port))
        return portTakenMessage(service, port, picked);
      const how = child.signalCode ?? `exit ${child.exitCode}`;
      return `${service.name} stopped (${how}) before answering on port ${port}`;
    }
    let answer;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(2000),
      });
      answer = { status: res.status, body: await res.text() };
    } catch {
      // Not listening yet (or too slow to answer): ask again.
    }
    if (answer) {
      return isOurHealthAnswer(answer.status, answer.body, instance)
        ? undefined
        : portTakenMessage(service, port, picked);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (isStopping()) return undefined;
  return `${service.name} did not answer /health on port ${port} within ${START_TIMEOUT_MS / 1000} s`;
}

async function main() {
  const { ports: setPorts, problems } = readPorts(process.env);
  problems.push(...(await checkDependencies()));
  if (problems.length > 0) {
    for (const line of problems) console.error(line);
    process.exit(1);
  }
  const unset = SERVICES.filter((s) => setPorts.get(s.name) === undefined);
  const picked = await freePorts(unset.length, new Set(setPorts.values()));
  const plan = SERVICES.map((service) => {
    const index = unset.indexOf(service);
    return index === -1
      ? { service, port: setPorts.get(service.name), picked: false }
      : { service, port: picked[index], picked: true };
  });

  const dataDir = path.resolve(process.env.MEDIAFLOW_DATA_DIR || path.join(root, '.mediaflow'));
  // The same kept key as the all-in-one's (built by `turbo run build` before this runs).
  const { startupApiKey } = require('../apps/all-in-one/dist/api-key');
  const { key, source } = startupApiKey(dataDir, process.env.MEDIAFLOW_API_KEY);
  const children = [];
  let stopping = false;

  const stopAll = (code) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (isRunning(child)) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const child of children) if (isRunning(child)) child.kill('SIGKILL');
    }, 15_000);
    force.unref();
    Promise.all(
      children.map((c) => (isRunning(c) ? new Promise((r) => c.once('exit', r)) : null)),
    ).then(() => process.exit(code));
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  for (const entry of plan) {
    if (stopping) return;
    const { service, port } = entry;
    const instance = randomUUID();
    const child = spawn(
      process.execPath,
      [path.join(root, 'apps', service.name, 'dist', 'main.js')],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          PORT: String(port),
          [INSTANCE_VARIABLE]: instance,
          MEDIAFLOW_API_KEY: key,
          MEDIAFLOW_DATA_DIR: dataDir,
        },
      },
    );
    children.push(child);
    let started = false;
    child.once('exit', (code, signal) => {
      // While it starts, waitForOwnHealth reports its exit.
      if (stopping || !started) return;
      console.error(`${service.name} stopped (${signal ?? `exit ${code}`}); stopping the others.`);
      stopAll(1);
    });
    const failure = await waitForOwnHealth(entry, child, instance, () => stopping);
    if (stopping) return;
    if (failure) {
      console.error(`${failure}. Stopping the other apps.`);
      stopAll(1);
      return;
    }
    started = true;
  }
  const gateway = plan.find((e) => e.service.public);
  const width = Math.max(...plan.map((e) => e.service.name.length));
  console.log(
    [
      '',
      `Mediaflow is running: http://localhost:${gateway.port}  (API docs: http://localhost:${gateway.port}/docs)`,
      `API key: ${key}  (from ${source})`,
      `Data: ${dataDir}`,
      'Ports (/health, /ready, /metrics; the gateway also serves the API):',
      ...plan.map(
        (e) =>
          `  ${e.service.name.padEnd(width)}  ${e.port}  (${e.picked ? `free; ${e.service.variable} unset` : e.service.variable})`,
      ),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
