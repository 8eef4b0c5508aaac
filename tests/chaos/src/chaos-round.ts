import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { client } from '@mediaflow/testing';
import { sleep } from './bounded-wait';
import { replayAccepted, sendLoad, type LoadOptions } from './chaos-load';
import { tallyChaos, type ChaosTally, type RequestRecord } from './chaos-tally';
import { killInTurn, type KillRecord, type Victim } from './kill-in-turn';
import type { LeftoverWatch } from './leftovers';
import { ChaosMedia, MIXED_WORKFLOW, OUTPUTS_PER_KIND, TASKS_PER_RUN } from './mixed-workflow';
import { collectRunFacts, tasksUnderWay, unfinishedRuns } from './run-facts';
import type { Teardown } from './teardown';

/**
 * The product's settings for both modes: loopback sources allowed, no
 * rate limit in the way of one project's load, and the waits after which
 * a killed worker's task goes to another (5 s rather than 30) and the
 * scheduler looks for lost work (2 s rather than 10) made short enough for
 * a round of a few minutes.
 */
export const CHAOS_PRODUCT_ENV: Record<string, string> = {
  MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
  MEDIAFLOW_RATE_LIMIT_RPS: '10000',
  MEDIAFLOW_TASK_ACK_WAIT_MS: '5000',
  MEDIAFLOW_RECONCILE_INTERVAL_MS: '2000',
  LOG_LEVEL: 'warn',
};

/** How long the product leaves a scratch directory or partial write untouched before it sweeps it. */
const SWEEP_GRACE_MS = 15 * 60_000;

/** The admin key both modes are started with (MEDIAFLOW_API_KEY). */
export const CHAOS_API_KEY = 'mf_chaos_0123456789abcdefghij';

/** The product in one of its modes, started by the suite, with what can be killed in it. */
export interface ProductUnderChaos {
  mode: 'services' | 'all-in-one';
  baseUrl: string;
  /** MEDIAFLOW_DATA_DIR: stored files are under `files/`. */
  dataDir: string;
  /** Its PostgreSQL now (the all-in-one's embedded one moves to a new port at each start). */
  databaseUrl(): string;
  victims: Victim[];
  /** Resolves once every process answers ready; notes and restarts one that died by itself. */
  whole(): Promise<void>;
  /** Processes that died without being killed, with the end of what they printed. */
  unexpectedExits(): string[];
  leftovers: LeftoverWatch;
  /** Restarts (gracefully) the processes that sweep scratch directories and partial writes at start. */
  restartSweepers(): Promise<void>;
}

export interface RoundOptions {
  /** Requests sent, each making one run: half at once, for a backlog of runs in flight, the others spread. */
  runs: number;
  /** Over how long the other half's starts are spread: the kills fall among them. */
  spreadMs: number;
  /** The first kill comes this long after the first request. */
  firstKillAfterMs: number;
  /** How long the product runs whole between kills. */
  pauseMs: number;
}

/** How long a killed process stays dead. */
const DOWN_MS = 1_000;
/** How long the runs have to end once every request is answered. */
const SETTLE_MS = 120_000;

/** A round's row of the table (written as JSON), with what it found. */
export interface ChaosResult extends Omit<
  ChaosTally,
  'findings' | 'retriedAfterCut' | 'orphanedOutputs'
> {
  mode: string;
  retried_after_cut: number;
  /** The cut attempts, by what cut them (`network`, `timeout`, `HTTP 503 service_unavailable`, …). */
  cuts: Record<string, number>;
  orphaned_outputs: number;
  /** Scratch directories and temp files a live process failed to remove, under the round's directory. */
  stray_leftovers: string[];
  /** Left by a process at its kill -9 (the product sweeps them after 15 minutes), under the round's directory. */
  left_by_kills: string[];
  /** What is still there once the product has swept (the kills' leftovers aged past the grace): must be nothing. */
  left_after_sweep: string[];
  /** The most runs in flight seen at a kill. */
  runs_in_flight_peak: number;
  kills: KillRecord[];
  unexpected_exits: string[];
  /** The closing check: a new task on the product after the round completed. */
  canary: string;
  seconds: number;
  findings: string[];
}

/**
 * A round's own directory and its media, both removed at `teardown`. As
 * root, PostgreSQL (the suite's own, or the all-in-one's embedded one)
 * runs as `postgres`, which must be able to walk into the directory.
 */
export async function prepareRound(
  mode: string,
  teardown: Teardown,
): Promise<{ root: string; media: ChaosMedia }> {
  const root = mkdtempSync(path.join(tmpdir(), `mediaflow-chaos-${mode}-`));
  chmodSync(root, 0o755);
  teardown.add('removing the round’s directory', async () =>
    rmSync(root, { recursive: true, force: true }),
  );
  const media = await ChaosMedia.make();
  teardown.add('closing the fixtures', () => media.close());
  return { root, media };
}

/**
 * One round: the mixed workflow saved as an automation, `runs` requests
 * sent (each with its key, retried after a cut) while every victim is
 * killed -9 in turn and started again; then, once the runs have ended
 * (bounded), every answered key sent again, a new task run, and every run
 * counted against PostgreSQL and storage. Its row is written to
 * `.results/<mode>.json` for the reporter.
 */
export async function chaosRound(
  product: ProductUnderChaos,
  media: ChaosMedia,
  /** When the round began (its processes started), for its time. */
  began: number,
  options: RoundOptions,
): Promise<ChaosResult> {
  const api = client(product.baseUrl, CHAOS_API_KEY);
  const automation = await api('POST', '/automations', {
    body: { name: 'chaos', workflow: MIXED_WORKFLOW },
  });
  if (automation.status !== 201)
    throw new Error(`the automation was refused: ${JSON.stringify(automation.body)}`);
  const requests = Array.from({ length: options.runs }, (_, i) =>
    media.request(product.mode, i, automation.body.id),
  );
  const load: LoadOptions = {
    baseUrl: product.baseUrl,
    apiKey: CHAOS_API_KEY,
    inFlight: 24,
    burst: Math.floor(options.runs / 2),
    spreadMs: options.spreadMs,
    attemptTimeoutMs: 20_000,
    giveUpAfterMs: 120_000,
  };

  const sending = sendLoad(requests, load);
  await sleep(options.firstKillAfterMs);
  const kills = await killInTurn(product.victims, {
    downMs: DOWN_MS,
    pauseMs: options.pauseMs,
    busyWithinMs: 5_000,
    whole: () => product.whole(),
    census: async (victim) => ({
      runs_in_flight: (await unfinishedRuns(product.databaseUrl())).unfinished,
      tasks_under_way: await tasksUnderWay(product.databaseUrl(), victim.kinds),
    }),
  });
  const records = await sending;

  const accepted = records.filter((record) => record.answers.length > 0).length;
  const settleBy = Date.now() + SETTLE_MS;
  for (;;) {
    const { runs, unfinished } = await unfinishedRuns(product.databaseUrl());
    if ((runs >= accepted && unfinished === 0) || Date.now() >= settleBy) break;
    await sleep(1_000);
  }

  await replayAccepted(requests, records, load);
  const canary = await api('POST', '/tasks', {
    body: { kind: 'image', url: media.canaryUrl, options: { width: 16, format: 'png' } },
    headers: { prefer: 'wait=30' },
  });
  await product.whole();
  const leftovers = await product.leftovers.settle(30_000);
  // What the kills left is the product's to sweep once untouched for 15
  // minutes (packages/worker-kit scratch-dirs.ts, the gateway's
  // partial-write sweeper), at start and every few minutes: aged past
  // that and the sweeping processes restarted, it must all go.
  await product.leftovers.age(leftovers.leftByKills, SWEEP_GRACE_MS + 60_000);
  await product.restartSweepers();
  await product.whole();
  const leftAfterSweep = await product.leftovers.now();

  const underRound = (entry: string) => path.relative(path.dirname(product.dataDir), entry);
  const tally = tallyChaos(
    records,
    await collectRunFacts(product.databaseUrl(), path.join(product.dataDir, 'files')),
    { tasksPerRun: TASKS_PER_RUN, outputsPerKind: OUTPUTS_PER_KIND, inputErrors: [] },
  );
  const { findings, retriedAfterCut, orphanedOutputs, ...counts } = tally;
  const result: ChaosResult = {
    mode: product.mode,
    ...counts,
    retried_after_cut: retriedAfterCut,
    cuts: countCuts(records),
    orphaned_outputs: orphanedOutputs,
    stray_leftovers: leftovers.stray.map(underRound),
    left_by_kills: leftovers.leftByKills.map(underRound),
    left_after_sweep: leftAfterSweep.map(underRound),
    runs_in_flight_peak: Math.max(0, ...kills.map((kill) => kill.runs_in_flight ?? 0)),
    kills,
    unexpected_exits: product.unexpectedExits(),
    canary: `${canary.status} ${canary.body?.status ?? JSON.stringify(canary.body)}`,
    seconds: Math.round((Date.now() - began) / 1000),
    findings,
  };
  writeResult(result);
  return result;
}

function countCuts(records: readonly RequestRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) for (const cut of record.cuts) counts[cut] = (counts[cut] ?? 0) + 1;
  return counts;
}

/** Where each round writes its row; the reporter (chaos-reporter.js) prints the table from them. */
const RESULTS_DIR = path.resolve(__dirname, '..', '.results');

function writeResult(result: ChaosResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    path.join(RESULTS_DIR, `${result.mode}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
}
