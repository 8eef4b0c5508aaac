// The pure half of `pnpm start:services` (scripts/start-services.js): which
// port each app gets, and whether what answers /health on it is the process
// the script started. Apart from the script so node:test can table-test it
// (tests/code-health/test/service-ports.test.mjs) without starting anything.

/**
 * Each app, in start order, with the variable that sets its port. Only the
 * gateway's port is public, and keeps its fixed default; the others serve
 * just /health, /ready and /metrics, so a port the OS finds free will do.
 * The variables are the script's own: no app reads them (each reads PORT,
 * which the script sets per process).
 */
const SERVICES = [
  { name: 'automation-registry', variable: 'MEDIAFLOW_PORT_AUTOMATION_REGISTRY' },
  { name: 'scheduler', variable: 'MEDIAFLOW_PORT_SCHEDULER' },
  { name: 'worker-video', variable: 'MEDIAFLOW_PORT_WORKER_VIDEO' },
  { name: 'worker-image', variable: 'MEDIAFLOW_PORT_WORKER_IMAGE' },
  { name: 'worker-subtitles', variable: 'MEDIAFLOW_PORT_WORKER_SUBTITLES' },
  { name: 'worker-summary', variable: 'MEDIAFLOW_PORT_WORKER_SUMMARY' },
  { name: 'gateway', variable: 'PORT', defaultPort: 3000, public: true },
];

/** Set in each app's environment; packages/observability's /health answers it back. */
const INSTANCE_VARIABLE = 'MEDIAFLOW_INSTANCE_ID';

/**
 * The ports `env` sets: app name → port, or → undefined where the variable is
 * unset and the app has no default (the caller asks the OS for a free one).
 * An empty value counts as unset, as in packages/config. `problems` has one
 * line per bad value, naming its variable, and one per port two apps share.
 */
function readPorts(env, services = SERVICES) {
  const ports = new Map();
  const problems = [];
  for (const service of services) {
    const raw = env[service.variable];
    if (raw === undefined || raw.trim() === '') {
      ports.set(service.name, service.defaultPort);
      continue;
    }
    // Digits only: Number() would also take "3e3", "0x10" or "3000.0".
    const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (port >= 1 && port <= 65535) ports.set(service.name, port);
    else
      problems.push(
        `${service.variable} must be a port number, a whole number from 1 to 65535 (got ${JSON.stringify(raw)})`,
      );
  }

  const byPort = new Map();
  for (const service of services) {
    const port = ports.get(service.name);
    if (port === undefined) continue;
    const isDefault = env[service.variable] === undefined || env[service.variable].trim() === '';
    const label = isDefault ? `${service.variable} (unset, so ${port})` : service.variable;
    byPort.set(port, [...(byPort.get(port) ?? []), label]);
  }
  for (const [port, labels] of byPort) {
    if (labels.length > 1)
      problems.push(
        `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} ${labels.length === 2 ? 'both' : 'all'} name port ${port}: each app needs a port of its own`,
      );
  }
  return { ports, problems };
}

/**
 * Whether an answer to `GET /health` comes from the app started with
 * `instance` in MEDIAFLOW_INSTANCE_ID. Any other answer, whatever its status
 * or body, means something else holds the port: another program, or a
 * Mediaflow process left from an earlier start (it answers another id).
 */
function isOurHealthAnswer(status, body, instance) {
  if (status !== 200) return false;
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  return parsed?.status === 'ok' && parsed.instance === instance;
}

/**
 * The line that stops the start when something else holds an app's port.
 * `picked`: the OS handed the port out as free just before, so the variable
 * is unset and another program took it in between.
 */
function portTakenMessage(service, port, picked = false) {
  const taken = `${service.name} cannot start: port ${port} is taken by another program`;
  if (picked)
    return `${taken} (it was free a moment ago): start again, or set ${service.variable} to a free port`;
  if (service.public) return `${taken}: set ${service.variable} to a free port`;
  return `${taken}: set ${service.variable} to a free port, or leave it unset for a free one`;
}

module.exports = {
  SERVICES,
  INSTANCE_VARIABLE,
  readPorts,
  isOurHealthAnswer,
  portTakenMessage,
};
