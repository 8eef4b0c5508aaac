#!/usr/bin/env node
// `pnpm test`: every package's tests through turbo (unit, integration against
// the real PostgreSQL and NATS, end to end with real processes), then one
// closing line with the counts of the whole monorepo.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { checkTools } = require('./local-dependencies');
const { ensureTestServices } = require('./test-services');

const root = path.resolve(__dirname, '..');

async function main() {
  const missing = checkTools();
  if (missing.length > 0) {
    for (const line of missing) console.error(line);
    process.exit(1);
  }
  for (const dir of workspaceDirs())
    fs.rmSync(path.join(dir, '.test-results'), { recursive: true, force: true });

  const extra = process.argv.slice(2);
  const services = await ensureTestServices();
  let turbo;
  try {
    // --continue: one failing package does not hide how the others fare.
    // Not spawnSync: the event loop must stay free to read the embedded PostgreSQL's output.
    const child = spawn('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', ...extra], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...services.env },
    });
    turbo = await new Promise((resolve) => child.once('exit', (status) => resolve({ status })));
  } finally {
    await services.stop();
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of workspaceDirs()) {
    const file = path.join(dir, '.test-results', 'summary.json');
    if (!fs.existsSync(file)) continue;
    const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += summary.passed;
    failed += summary.failed;
    skipped += summary.skipped;
  }
  if (turbo.status !== 0 && failed === 0) failed = 1; // a package that crashed before reporting
  console.log(
    `\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
  process.exit(turbo.status === 0 && failed === 0 ? 0 : 1);
}

/** The folders of pnpm-workspace.yaml's packages (`group/*` entries and plain folders). */
function workspaceDirs() {
  const workspace = fs.readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const entries = [...workspace.matchAll(/^\s+-\s+([\w./*-]+)\s*$/gm)].map((m) => m[1]);
  return entries.flatMap((entry) => {
    if (!entry.endsWith('/*')) return [path.join(root, entry)];
    const base = path.join(root, entry.slice(0, -2));
    return fs.existsSync(base) ? fs.readdirSync(base).map((name) => path.join(base, name)) : [];
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
