// Checks that the PostgreSQL and NATS the services (and the tests) use are
// answering and that ffmpeg is installed, so that a missing one is one clear line instead of a stack trace.
const { spawnSync } = require('node:child_process');
const net = require('node:net');

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mediaflow';

function reachable(url, fallbackPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port || fallbackPort),
    });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** ffmpeg and ffprobe, which every media kind runs. */
function checkTools(env = process.env) {
  const problems = [];
  for (const [name, variable] of [
    ['ffmpeg', 'FFMPEG_PATH'],
    ['ffprobe', 'FFPROBE_PATH'],
  ]) {
    const tool = env[variable] || name;
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).status !== 0) {
      problems.push(
        `${name} is not installed (or ${variable} is wrong): on Debian/Ubuntu, sudo apt-get install ffmpeg.`,
      );
    }
  }
  return problems;
}

async function checkDependencies(env = process.env) {
  const nats = env.NATS_URL || DEFAULT_NATS_URL;
  const database = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const problems = [];
  if (!(await reachable(nats, 4222))) {
    problems.push(
      `NATS is not answering at ${nats}: start nats-server with JetStream (-js), or set NATS_URL.`,
    );
  }
  if (!(await reachable(database, 5432))) {
    problems.push(
      `PostgreSQL is not answering at ${new URL(database).host}: start it, or set DATABASE_URL.`,
    );
  }
  problems.push(...checkTools(env));
  return problems;
}

module.exports = {
  checkDependencies,
  checkTools,
  reachable,
  DEFAULT_NATS_URL,
  DEFAULT_DATABASE_URL,
};
