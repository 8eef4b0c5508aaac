#!/usr/bin/env node
// `pnpm start:services`: every app as its own process, as Kubernetes runs
// them, against NATS_URL and DATABASE_URL (the local servers by default).
// Ctrl-C (or SIGTERM) stops them all cleanly; if one dies, all stop.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { checkDependencies } = require('./local-dependencies');

const root = path.resolve(__dirname, '..');

/** Each app, in start order, with the port its /health answers on. */
const SERVICES = [
  { name: 'automation-registry', port: 3001 },
  { name: 'scheduler', port: 3002 },
  { name: 'worker-video', port: 3003 },
  { name: 'worker-image', port: 3004 },
  { name: 'worker-subtitles', port: 3005 },
  { name: 'worker-summary', port: 3006 },
  { name: 'gateway', port: Number(process.env.PORT || 3000), public: true },
];

async function waitForHealth(port, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main() {
  const problems = await checkDependencies();
  if (problems.length > 0) {
    for (const line of problems) console.error(line);
    process.exit(1);
  }
  const dataDir = path.resolve(process.env.MEDIAFLOW_DATA_DIR || path.join(root, '.mediaflow'));
  // The same kept key as the all-in-one's (built by `turbo run build` before this runs).
  const { startupApiKey } = require('../apps/all-in-one/dist/api-key');
  const { key, source } = startupApiKey(dataDir, process.env.MEDIAFLOW_API_KEY);
  const children = [];
  let stopping = false;

  const stopAll = (code) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    }, 15_000);
    force.unref();
    Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    ).then(() => process.exit(code));
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  for (const service of SERVICES) {
    const child = spawn(
      process.execPath,
      [path.join(root, 'apps', service.name, 'dist', 'main.js')],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          PORT: String(service.port),
          MEDIAFLOW_API_KEY: key,
          MEDIAFLOW_DATA_DIR: dataDir,
        },
      },
    );
    children.push(child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${service.name} stopped (${signal ?? `exit ${code}`}); stopping the others.`);
      stopAll(1);
    });
    if (!(await waitForHealth(service.port, child))) {
      console.error(`${service.name} did not become healthy on port ${service.port}.`);
      stopAll(1);
      return;
    }
  }
  const gateway = SERVICES.find((s) => s.public);
  console.log(
    [
      '',
      `Mediaflow is running: http://localhost:${gateway.port}  (API docs: http://localhost:${gateway.port}/docs)`,
      `API key: ${key}  (from ${source})`,
      `Data: ${dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
