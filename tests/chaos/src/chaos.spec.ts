import path from 'node:path';
import { TASK_KIND_NAMES, TASK_KINDS } from '@mediaflow/contracts';
import { ALL_APPS } from '@mediaflow/testing';
import {
  CHAOS_API_KEY,
  CHAOS_PRODUCT_ENV,
  chaosRound,
  prepareRound,
  type ProductUnderChaos,
} from './chaos-round';
import { expectCleanRound } from './clean-round';
import { embeddedDatabaseUrl, killOrphanedPostgres } from './embedded-database';
import type { Victim } from './kill-in-turn';
import { LeftoverWatch } from './leftovers';
import { OwnNats } from './own-nats';
import { OwnPostgres } from './own-postgres';
import { ProductApps } from './product-apps';
import { Teardown } from './teardown';

// Both ways to run the product, each under a few hundred runs in flight
// while its processes are killed -9 and started again (docs/reliability.md):
// every accepted run must end once with its outputs, none be made twice,
// nothing be left on disk.

const RUNS = Number(process.env.MEDIAFLOW_CHAOS_RUNS ?? 320);
const ALL_IN_ONE_KILLS = 2;

/** The workers, and the task kinds each runs (the kinds' declarations in contracts). */
const WORKERS = ALL_APPS.filter((name) => name.startsWith('worker-'));
const kindsOf = (app: string) =>
  TASK_KIND_NAMES.filter((kind) => `worker-${TASK_KINDS[kind].worker}` === app);
/** The gateway first, then each app behind it: the order the apps stop in. */
const KILL_ORDER = [...ALL_APPS].reverse();

/**
 * Services mode, as Kubernetes runs it: every app its own process on a
 * NATS and a PostgreSQL of the suite's own, which are killed too: the
 * gateway, each app behind it, then NATS, then PostgreSQL.
 */
async function startServices(root: string, teardown: Teardown): Promise<ProductUnderChaos> {
  const postgres = await OwnPostgres.start(root);
  teardown.add('stopping PostgreSQL', () => postgres.stop());
  const nats = await OwnNats.start(path.join(root, 'nats'));
  teardown.add('stopping nats-server', () => nats.stop());
  const dataDir = path.join(root, 'data');
  const apps = new ProductApps(
    ALL_APPS,
    {
      ...CHAOS_PRODUCT_ENV,
      DATABASE_URL: postgres.databaseUrl('mediaflow'),
      NATS_URL: nats.url,
      MEDIAFLOW_API_KEY: CHAOS_API_KEY,
      MEDIAFLOW_DATA_DIR: dataDir,
    },
    path.join(root, 'tmp'),
  );
  teardown.add('stopping the apps', () => apps.stop());
  await apps.startAll();

  const storageTemp = path.join(dataDir, 'files', '.tmp');
  const leftovers = new LeftoverWatch(
    WORKERS.map((name) => apps.tmpDir(name)),
    storageTemp,
  );
  const victims: Victim[] = [
    ...KILL_ORDER.map((name) => ({
      name,
      kinds: WORKERS.includes(name) ? kindsOf(name) : undefined,
      kill: () => apps.kill(name),
      afterKill: () => leftovers.noteKill([apps.tmpDir(name), storageTemp]),
      restart: () => apps.start(name),
    })),
    { name: 'nats', kill: () => nats.kill(), restart: () => nats.restart() },
    { name: 'postgresql', kill: () => postgres.kill(), restart: () => postgres.restart() },
  ];
  return {
    mode: 'services',
    baseUrl: `http://127.0.0.1:${apps.port('gateway')}`,
    dataDir,
    databaseUrl: () => postgres.databaseUrl('mediaflow'),
    victims,
    whole: () => apps.whole(),
    unexpectedExits: () => apps.unexpectedExits(),
    leftovers,
    restartSweepers: () => apps.restart(['gateway', ...WORKERS]),
  };
}

/**
 * All-in-one mode, as `pnpm start` runs it: one process with the
 * in-process broker (its journal on disk) and the embedded PostgreSQL,
 * killed and started again on the same data dir.
 */
async function startAllInOne(root: string, teardown: Teardown): Promise<ProductUnderChaos> {
  const dataDir = path.join(root, 'data');
  const apps = new ProductApps(
    ['all-in-one'],
    {
      ...CHAOS_PRODUCT_ENV,
      // Empty is unset: the in-process broker and the embedded PostgreSQL.
      NATS_URL: '',
      DATABASE_URL: '',
      MEDIAFLOW_API_KEY: CHAOS_API_KEY,
      MEDIAFLOW_DATA_DIR: dataDir,
    },
    path.join(root, 'tmp'),
  );
  teardown.add('stopping a PostgreSQL left by a killed all-in-one', async () =>
    killOrphanedPostgres(dataDir),
  );
  teardown.add('stopping the all-in-one', () => apps.stop());
  await apps.startAll();

  const storageTemp = path.join(dataDir, 'files', '.tmp');
  const leftovers = new LeftoverWatch([apps.tmpDir('all-in-one')], storageTemp);
  const victims: Victim[] = Array.from({ length: ALL_IN_ONE_KILLS }, () => ({
    name: 'all-in-one',
    kill: () => apps.kill('all-in-one'),
    afterKill: () => leftovers.noteKill([apps.tmpDir('all-in-one'), storageTemp]),
    restart: () => apps.start('all-in-one'),
  }));
  return {
    mode: 'all-in-one',
    baseUrl: `http://127.0.0.1:${apps.port('all-in-one')}`,
    dataDir,
    databaseUrl: () => embeddedDatabaseUrl(dataDir),
    victims,
    whole: () => apps.whole(),
    unexpectedExits: () => apps.unexpectedExits(),
    leftovers,
    restartSweepers: () => apps.restart(['all-in-one']),
  };
}

const ROUNDS = [
  {
    title: `services mode: ${RUNS} runs while every process is killed -9 in turn`,
    mode: 'services',
    start: startServices,
    timing: { spreadMs: 45_000, firstKillAfterMs: 4_000, pauseMs: 2_000 },
  },
  {
    title: `all-in-one mode: ${RUNS} runs while the process is killed -9 ${ALL_IN_ONE_KILLS} times`,
    mode: 'all-in-one',
    start: startAllInOne,
    // Kills far apart: each restart replays the journal and recovers the database.
    timing: { spreadMs: 30_000, firstKillAfterMs: 6_000, pauseMs: 10_000 },
  },
];

describe('chaos', () => {
  const teardown = new Teardown();
  afterEach(() => teardown.run(), 90_000);

  it.each(ROUNDS)(
    '$title',
    async ({ mode, start, timing }) => {
      const began = Date.now();
      const { root, media } = await prepareRound(mode, teardown);
      const product = await start(root, teardown);
      expectCleanRound(await chaosRound(product, media, began, { runs: RUNS, ...timing }));
    },
    330_000,
  );
});
