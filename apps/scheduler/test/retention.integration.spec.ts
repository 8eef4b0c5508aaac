import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  newId,
  registryRpc,
  schedulerRpc,
  type StoredFile,
  type TaskSource,
  type Workflow,
} from '@mediaflow/contracts';
import type { Served } from '@mediaflow/messaging';
import { WebhookReceiver } from '@mediaflow/testing';
import { Logger } from '@nestjs/common';
import { SchedulerStore } from '../src/database/scheduler-store';
import { Reconciler } from '../src/reconciler/reconciler.service';
import {
  describeCounts,
  type RetentionCounts,
  type RetentionReport,
} from '../src/retention/retention-report';
import { surveyRetention } from '../src/retention/retention-survey';
import {
  DRY_RUN_REPORT_EVERY_MS,
  RetentionService,
  type RetentionRound,
} from '../src/retention/retention.service';
import { Gate } from './support/fake-worker';
import { Harness, failure, until } from './support/harness';

// Retention against the real PostgreSQL, NATS JetStream and local storage.
// Runs are made and ended as the product makes them (the fake worker plays
// the workers, a receiver takes webhooks), then made old by moving their
// `finished_at` back in SQL. The reconciler's own rounds are an hour apart:
// the tests run rounds themselves.
jest.setTimeout(90_000);

const SOURCES = 'https://media.example/';
const REGISTER_TS = path.resolve(__dirname, '../../../scripts/register-ts.js');
const REPORT_COMMAND = path.resolve(__dirname, '../src/retention-report.ts');
const RARE_ROUNDS = { MEDIAFLOW_RECONCILE_INTERVAL_MS: '3600000' };

let h: Harness;
const receiver = new WebhookReceiver();

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

/** A run of `workflow` on `source`, with a per-task webhook, waited for until it has ended. */
async function endedRun(project: string, workflow: Workflow, source: TaskSource): Promise<string> {
  const created = await h.request(schedulerRpc.createRun, {
    project_id: project,
    automation_id: null,
    workflow,
    source,
    webhook: { url: receiver.url, secret: `whsec_${newId('key')}` },
  });
  expect((await h.waitForTask(project, created.id)).status).toBe('completed');
  return created.id;
}

/** A file stored by `POST /files` from a URL (its ingest a root of its own). */
async function storedFile(
  project: string,
  name: string,
): Promise<{ ingest: string; file: string }> {
  const created = await h.request(schedulerRpc.createIngest, {
    project_id: project,
    source: { url: `${SOURCES}${name}` },
    filename: null,
  });
  const ingest = await h.waitForTask(project, created.id);
  expect(ingest.status).toBe('completed');
  return { ingest: ingest.id, file: (ingest.output as StoredFile).id };
}

/** The registry's part for stored files: no project has a triggered automation. */
function serveNoTriggers(): Promise<Served> {
  return h.client.serve(registryRpc.listTriggered, async () => ({ data: [] }), {
    queue: 'automation-registry',
  });
}

/** Every webhook and endpoint delivery over: a run whose webhook is still being tried is held. */
async function deliveriesOver(): Promise<void> {
  await until(async () => {
    const [row] = await h.sql<{ n: number }>(
      `SELECT (SELECT count(*) FROM scheduler.webhook_deliveries WHERE delivered_at IS NULL)
            + (SELECT count(*) FROM scheduler.event_deliveries WHERE delivered_at IS NULL) AS n`,
    );
    return Number(row!.n) === 0;
  }, 'every delivery to be delivered');
}

/** Moves every time a run ended back by `days`. */
async function age(runId: string, days: number): Promise<void> {
  await h.sql(
    `UPDATE scheduler.tasks SET finished_at = finished_at - make_interval(days => $2)
     WHERE run_id = $1`,
    [runId, days],
  );
}

interface RunContents {
  tasks: string[];
  files: { id: string; storage_key: string; filesize: number }[];
  events: string[];
  webhookDeliveries: number;
  eventDeliveries: number;
}

/** What a run holds in the database: its rows, the files its tasks made, its events and deliveries. */
async function contentsOf(runId: string): Promise<RunContents> {
  const tasks = await h.sql<{ id: string }>('SELECT id FROM scheduler.tasks WHERE run_id = $1', [
    runId,
  ]);
  const files = await h.sql<{ id: string; storage_key: string; filesize: number }>(
    `SELECT f.id, f.storage_key, f.filesize::int AS filesize FROM scheduler.files f
     JOIN scheduler.tasks t ON t.id = f.task_id WHERE t.run_id = $1 ORDER BY f.id`,
    [runId],
  );
  const events = await h.sql<{ id: string }>('SELECT id FROM scheduler.events WHERE run_id = $1', [
    runId,
  ]);
  const [deliveries] = await h.sql<{ webhook: number; event: number }>(
    `SELECT (SELECT count(*)::int FROM scheduler.webhook_deliveries d JOIN scheduler.tasks t ON t.id = d.task_id
             WHERE t.run_id = $1) AS webhook,
            (SELECT count(*)::int FROM scheduler.event_deliveries d JOIN scheduler.events e ON e.id = d.event_id
             WHERE e.run_id = $1) AS event`,
    [runId],
  );
  return {
    tasks: tasks.map((row) => row.id),
    files,
    events: events.map((row) => row.id),
    webhookDeliveries: deliveries!.webhook,
    eventDeliveries: deliveries!.event,
  };
}

/** What removing these runs whole should count. */
function countsOf(...runs: RunContents[]): RetentionCounts {
  const sum = (of: (run: RunContents) => number) => runs.reduce((n, run) => n + of(run), 0);
  return {
    runs: runs.length,
    tasks: sum((run) => run.tasks.length),
    files: sum((run) => run.files.length),
    bytes: sum((run) => run.files.reduce((n, file) => n + file.filesize, 0)),
    events: sum((run) => run.events.length),
    webhook_deliveries: sum((run) => run.webhookDeliveries),
    event_deliveries: sum((run) => run.eventDeliveries),
  };
}

const stored = async (key: string) => (await h.storage.stat(key)) !== null;

async function fileRow(id: string): Promise<{ task_id: string | null } | undefined> {
  const [row] = await h.sql<{ task_id: string | null }>(
    'SELECT task_id FROM scheduler.files WHERE id = $1',
    [id],
  );
  return row;
}

const retentionRound = (): Promise<RetentionRound> =>
  h.scheduler.app.get(RetentionService).runRound();

function removedBy(round: RetentionRound): RetentionCounts {
  if (round.mode !== 'remove') throw new Error(`a ${round.mode} round removes nothing`);
  return round.removed;
}

describe('with MEDIAFLOW_RETENTION_DAYS=30', () => {
  let registry: Served;

  beforeAll(async () => {
    h = await Harness.start(RARE_ROUNDS);
    registry = await serveNoTriggers();
  });

  afterAll(async () => {
    await registry?.stop();
    await h?.stop();
  });

  it('removes an old run whole, with its files (rows and bytes), events and deliveries; a recent run stays', async () => {
    const project = newId('prj');
    await h.request(schedulerRpc.createWebhookEndpoint, {
      project_id: project,
      body: { url: receiver.url, enabled_events: ['*'] },
    });
    const workflow: Workflow = [
      { kind: 'image', ref: 'small', options: { width: 32 } },
      { kind: 'thumbnails', ref: 'strip' },
    ];
    const old = await endedRun(project, workflow, { url: `${SOURCES}clip.mp4` });
    const recent = await endedRun(project, workflow, { url: `${SOURCES}clip.mp4` });
    await deliveriesOver();
    await age(old, 31);
    const before = { old: await contentsOf(old), recent: await contentsOf(recent) };
    // The source, the image, and the thumbnails' track and sprite, each with its bytes.
    expect(before.old.files).toHaveLength(4);
    for (const file of before.old.files) expect(await stored(file.storage_key)).toBe(true);
    expect(before.old.events.length).toBeGreaterThan(0);
    expect(before.old.eventDeliveries).toBe(before.old.events.length);
    expect(before.old.webhookDeliveries).toBe(1);

    expect(removedBy(await retentionRound())).toEqual(countsOf(before.old));

    expect(await contentsOf(old)).toEqual({
      tasks: [],
      files: [],
      events: [],
      webhookDeliveries: 0,
      eventDeliveries: 0,
    });
    for (const file of before.old.files) {
      expect(await fileRow(file.id)).toBeUndefined();
      expect(await stored(file.storage_key)).toBe(false);
    }
    const [delivered] = await h.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM scheduler.event_deliveries WHERE event_id = ANY($1::text[])',
      [before.old.events],
    );
    expect(delivered!.n).toBe(0);
    expect(await h.sql('SELECT * FROM scheduler.storage_deletions')).toEqual([]);
    expect(
      (await failure(h.request(schedulerRpc.getTask, { project_id: project, id: old }))).code,
    ).toBe('not_found');
    // Each file that goes says so, as DELETE /files/:id does.
    const deletedEvents = await h.sql<{ file: string }>(
      `SELECT data->>'id' AS file FROM scheduler.events WHERE type = 'file.deleted' AND project_id = $1`,
      [project],
    );
    expect(deletedEvents.map((row) => row.file).sort()).toEqual(
      before.old.files.map((file) => file.id).sort(),
    );

    expect(await contentsOf(recent)).toEqual(before.recent);
    for (const file of before.recent.files) expect(await stored(file.storage_key)).toBe(true);
    expect((await h.waitForTask(project, recent)).status).toBe('completed');
  });

  it('keeps a run whole while one of its steps is still processing, even if its root looks old', async () => {
    const project = newId('prj');
    const gate = new Gate();
    h.worker.behaviours.set('slow', { type: 'hold', gate });
    const created = await h.request(schedulerRpc.createRun, {
      project_id: project,
      automation_id: null,
      workflow: [
        { kind: 'image', ref: 'quick', options: { width: 16 } },
        { kind: 'image', ref: 'slow', options: { width: 20 } },
      ],
      source: { url: `${SOURCES}wide.jpg` },
      webhook: null,
    });
    try {
      const stepStatus = async (ref: string) =>
        (
          await h.sql<{ status: string }>(
            'SELECT status FROM scheduler.tasks WHERE run_id = $1 AND ref = $2',
            [created.id, ref],
          )
        )[0]?.status;
      await until(
        async () =>
          (await stepStatus('quick')) === 'completed' &&
          (await stepStatus('slow')) === 'processing',
        'one step completed and the other processing',
      );
      // As if the root had ended long ago: only its rows say it has not.
      await h.sql(
        `UPDATE scheduler.tasks SET status = 'completed', finished_at = now() - interval '40 days' WHERE id = $1`,
        [created.id],
      );
      await age(created.id, 40);
      const before = await contentsOf(created.id);

      expect(removedBy(await retentionRound()).runs).toBe(0);
      expect(await contentsOf(created.id)).toEqual(before);
      for (const file of before.files) expect(await stored(file.storage_key)).toBe(true);
      const report = await surveyRetention(
        (work) => h.scheduler.app.get(SchedulerStore).autocommit((repos) => work(repos.retention)),
        { days: 30, dryRun: true },
      );
      expect(report.held.unfinished).toBe(1);
      expect(report.would_remove.runs).toBe(0);

      await h.sql(
        `UPDATE scheduler.tasks SET status = 'processing', finished_at = NULL WHERE id = $1`,
        [created.id],
      );
    } finally {
      gate.release();
    }
    expect((await h.waitForTask(project, created.id)).status).toBe('completed');
  });

  it("keeps a stored file's ingest whose triggers are still to fire", async () => {
    const project = newId('prj');
    const { ingest, file } = await storedFile(project, 'narrow.png');
    await h.sql('UPDATE scheduler.tasks SET triggers_evaluated_at = NULL WHERE id = $1', [ingest]);
    await age(ingest, 40);

    expect(removedBy(await retentionRound()).runs).toBe(0);
    expect(await fileRow(file)).toEqual({ task_id: ingest });

    await h.sql('UPDATE scheduler.tasks SET triggers_evaluated_at = now() WHERE id = $1', [ingest]);
    expect(removedBy(await retentionRound())).toMatchObject({ runs: 1, files: 1 });
    expect(await fileRow(file)).toBeUndefined();
  });

  it('keeps a file a kept run still uses, bytes and all, and removes it with the last run that does', async () => {
    const project = newId('prj');
    const upload = await storedFile(project, 'wide.jpg');
    const oldRun = await endedRun(
      project,
      [{ kind: 'image', ref: 'thumb', options: { width: 32 } }],
      {
        file_id: upload.file,
      },
    );
    const [made] = (await contentsOf(oldRun)).files;
    // Newer runs: one on the upload, one on the old run's output.
    const onUpload = await endedRun(project, [{ kind: 'image', ref: 'a', options: { width: 8 } }], {
      file_id: upload.file,
    });
    const onOutput = await endedRun(project, [{ kind: 'image', ref: 'b', options: { width: 4 } }], {
      file_id: made!.id,
    });
    await deliveriesOver();
    await age(upload.ingest, 40);
    await age(oldRun, 40);
    const uploadKey = (
      await h.request(schedulerRpc.getFile, { project_id: project, id: upload.file })
    ).storage_key;

    expect(removedBy(await retentionRound())).toMatchObject({ runs: 2, files: 0, bytes: 0 });
    expect((await contentsOf(oldRun)).tasks).toEqual([]);
    expect(
      (await h.sql('SELECT id FROM scheduler.tasks WHERE id = $1', [upload.ingest])).length,
    ).toBe(0);
    // Both files stay, served as before, their maker gone.
    expect(await fileRow(upload.file)).toEqual({ task_id: null });
    expect(await fileRow(made!.id)).toEqual({ task_id: null });
    expect(await stored(uploadKey)).toBe(true);
    expect(await stored(made!.storage_key)).toBe(true);
    expect(
      (await h.request(schedulerRpc.getFile, { project_id: project, id: upload.file })).id,
    ).toBe(upload.file);
    expect((await h.waitForTask(project, onUpload)).input).toMatchObject({ id: upload.file });
    expect((await h.waitForTask(project, onOutput)).input).toMatchObject({ id: made!.id });

    // The last runs using them go: so do they, through the reconciler's round.
    const newer = [await contentsOf(onUpload), await contentsOf(onOutput)];
    await age(onUpload, 40);
    await age(onOutput, 40);
    await h.scheduler.app.get(Reconciler).runRound();
    for (const run of [onUpload, onOutput]) expect((await contentsOf(run)).tasks).toEqual([]);
    for (const [id, key] of [
      [upload.file, uploadKey],
      [made!.id, made!.storage_key],
      ...newer.flatMap((run) => run.files.map((file) => [file.id, file.storage_key])),
    ] as [string, string][]) {
      expect(await fileRow(id)).toBeUndefined();
      expect(await stored(key)).toBe(false);
    }
  });

  it('removes old deliveries that are over, of runs it keeps too, and keeps those still being tried', async () => {
    const project = newId('prj');
    await h.request(schedulerRpc.createWebhookEndpoint, {
      project_id: project,
      body: { url: receiver.url, enabled_events: ['task.completed'] },
    });
    const run = await endedRun(project, [{ kind: 'image', ref: 'x', options: { width: 8 } }], {
      url: `${SOURCES}narrow.png`,
    });
    await deliveriesOver();
    const [webhook] = await h.sql<{ id: string }>(
      'SELECT d.id FROM scheduler.webhook_deliveries d WHERE d.task_id = $1',
      [run],
    );
    const endpointDeliveries = await h.sql<{ id: string }>(
      `SELECT d.id FROM scheduler.event_deliveries d JOIN scheduler.events e ON e.id = d.event_id
       WHERE e.run_id = $1 ORDER BY d.id`,
      [run],
    );
    expect(endpointDeliveries.length).toBe(2);
    const [over, beingTried] = endpointDeliveries;
    await h.sql(
      `UPDATE scheduler.webhook_deliveries SET created_at = now() - interval '40 days' WHERE id = $1`,
      [webhook!.id],
    );
    await h.sql(
      `UPDATE scheduler.event_deliveries SET created_at = now() - interval '40 days' WHERE id = ANY($1::bigint[])`,
      [[over!.id, beingTried!.id]],
    );
    await h.sql(
      `UPDATE scheduler.event_deliveries SET delivered_at = NULL, next_attempt_at = now() + interval '1 hour'
       WHERE id = $1`,
      [beingTried!.id],
    );

    expect(removedBy(await retentionRound())).toMatchObject({
      runs: 0,
      webhook_deliveries: 1,
      event_deliveries: 1,
    });
    expect(
      await h.sql('SELECT id FROM scheduler.webhook_deliveries WHERE id = $1', [webhook!.id]),
    ).toEqual([]);
    const left = await h.sql<{ id: string }>(
      'SELECT id FROM scheduler.event_deliveries WHERE id = ANY($1::bigint[])',
      [[over!.id, beingTried!.id]],
    );
    expect(left.map((row) => row.id)).toEqual([beingTried!.id]);
    expect((await contentsOf(run)).tasks.length).toBeGreaterThan(0);
  });
});

describe('with MEDIAFLOW_RETENTION_DRY_RUN=true', () => {
  beforeAll(async () => {
    h = await Harness.start({ ...RARE_ROUNDS, MEDIAFLOW_RETENTION_DRY_RUN: 'true' });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('reports what would go, in a log line, a table and JSON, and removes nothing', async () => {
    const project = newId('prj');
    await h.request(schedulerRpc.createWebhookEndpoint, {
      project_id: project,
      body: { url: receiver.url, enabled_events: ['*'] },
    });
    const workflow: Workflow = [{ kind: 'image', ref: 'small', options: { width: 32 } }];
    const old = [
      await endedRun(project, workflow, { url: `${SOURCES}wide.jpg` }),
      await endedRun(project, workflow, { url: `${SOURCES}narrow.png` }),
    ];
    const recent = await endedRun(project, workflow, { url: `${SOURCES}wide.jpg` });
    await deliveriesOver();
    for (const run of old) await age(run, 31);
    const before = [await contentsOf(old[0]!), await contentsOf(old[1]!), await contentsOf(recent)];
    const expected = countsOf(before[0]!, before[1]!);
    expect(expected).toMatchObject({ runs: 2, files: 4 });
    const log = jest.spyOn(Logger.prototype, 'log');

    // The scheduler's first round, as it started, surveyed the empty database: this is the next report, an hour on.
    const round = await h.scheduler.app
      .get(RetentionService)
      .runRound(new Date(Date.now() + DRY_RUN_REPORT_EVERY_MS));
    expect(round.mode).toBe('dry_run');
    const report = (round as { report: RetentionReport }).report;
    expect(report).toEqual({
      days: 30,
      dry_run: true,
      cutoff: expect.any(String),
      would_remove: expected,
      held: { unfinished: 0, webhook_due: 0, triggers_due: 0 },
      storage_deletions_pending: 0,
    });
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining(`retention dry run: would remove ${describeCounts(expected)}`),
    );
    log.mockRestore();
    // The next rounds within the hour survey nothing again; none removes anything.
    expect(
      await h.scheduler.app
        .get(RetentionService)
        .runRound(new Date(Date.now() + DRY_RUN_REPORT_EVERY_MS)),
    ).toEqual({ mode: 'dry_run', report: null });
    await h.scheduler.app.get(Reconciler).runRound();
    expect([
      await contentsOf(old[0]!),
      await contentsOf(old[1]!),
      await contentsOf(recent),
    ]).toEqual(before);
    for (const file of before.flatMap((run) => run.files))
      expect(await stored(file.storage_key)).toBe(true);

    // The command, with the scheduler's settings, counts the same.
    const settings = { MEDIAFLOW_RETENTION_DRY_RUN: 'true' };
    const json = await reportCommand(['--json'], settings);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({ ...report, cutoff: expect.any(String) });
    const table = await reportCommand([], settings);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^MEDIAFLOW_RETENTION_DAYS=30: runs that ended before /);
    expect(table.stdout).toContain(`  runs                ${expected.runs}\n`);
    expect(table.stdout).toContain(`  files               ${expected.files}\n`);
  });

  it('the report command says why it cannot report, in one line', async () => {
    const bad = await reportCommand([], { MEDIAFLOW_RETENTION_DAYS: 'a month' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^retention-report: Invalid configuration: MEDIAFLOW_RETENTION_DAYS/,
    );
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('with MEDIAFLOW_RETENTION_DAYS=0', () => {
  beforeAll(async () => {
    h = await Harness.start({ ...RARE_ROUNDS, MEDIAFLOW_RETENTION_DAYS: '0' });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('keeps everything, the event log included, however old', async () => {
    expect(h.config.MEDIAFLOW_EVENT_RETENTION_HOURS).toBe(0);
    const project = newId('prj');
    const run = await endedRun(project, [{ kind: 'image', ref: 'x', options: { width: 8 } }], {
      url: `${SOURCES}wide.jpg`,
    });
    await deliveriesOver();
    await age(run, 3650);
    await h.sql(
      `UPDATE scheduler.events SET recorded_at = recorded_at - interval '3650 days' WHERE run_id = $1`,
      [run],
    );
    await h.sql(
      `UPDATE scheduler.webhook_deliveries SET created_at = created_at - interval '3650 days'`,
    );
    const before = await contentsOf(run);

    expect(await retentionRound()).toEqual({ mode: 'off' });
    await h.scheduler.app.get(Reconciler).runRound();
    expect(await contentsOf(run)).toEqual(before);
    for (const file of before.files) expect(await stored(file.storage_key)).toBe(true);
    const json = await reportCommand(['--json'], { MEDIAFLOW_RETENTION_DAYS: '0' });
    expect(JSON.parse(json.stdout)).toMatchObject({ cutoff: null, would_remove: { runs: 0 } });
  });
});

/** `node retention-report.js` as its own process, from its TypeScript source, on the harness's database. */
function reportCommand(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', REGISTER_TS, REPORT_COMMAND, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: h.db.url,
          MEDIAFLOW_RETENTION_DAYS: '30',
          ...env,
        },
      },
      (_, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}
