// What KEDA would scale each worker to, read on a real nats-server and a real
// scheduler: the scheduler sets up the streams and every work consumer, tasks
// are queued (on the broker, and held back by the scheduler's fair dispatch),
// and each ScaledObject of the rendered chart is evaluated as KEDA does. The
// lag is read like KEDA's nats-jetstream scaler
// (kedacore/keda, pkg/scalers/nats_jetstream_scaler.go): GET
// `<scheme>://<endpoint>/jsz?acc=<account>&consumers=true&config=true`, the
// account's stream by name, the consumer by name, lag = num_pending +
// num_ack_pending; a consumer that does not exist reads as the stream's
// last_seq. Held work is read like KEDA's metrics-api scaler
// (pkg/scalers/metrics_api_scaler.go): GET the trigger's url, the number at
// `valueLocation` (a GJSON path) of the JSON answer. The HPA then wants ceil(metric / target) replicas (AverageValue),
// the metric being the scalingModifiers formula over the triggers' lags, or
// the single trigger's lag with its lagThreshold as the target; KEDA keeps
// the count between minReplicaCount and maxReplicaCount, and at the minimum
// while no trigger is active (lag ≤ activationLagThreshold, 0 by default).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { built } from './support/built.mjs';
import { renderChart } from './support/chart.mjs';

const NATS_SERVER = process.env.NATS_SERVER_PATH ?? '/usr/sbin/nats-server';
const { JetStreamTaskTransport, NatsMessageBus } = built('packages/messaging');
const { newId, schedulerRpc, TASK_MESSAGE_VERSION, TASK_KIND_NAMES } = built('packages/contracts');
const { parseConfig } = built('packages/config');
const { createTestDatabase } = built('packages/database', 'dist/testing/test-database.js');
const { schedulerConfigSchema, startScheduler } = built('apps/scheduler');

const scaledObjects = renderChart().filter((m) => m.kind === 'ScaledObject');

/** The tasks queued, per kind: enough to scale some workers past one pod, none for others. */
const QUEUED = { ingest: 3, video: 5, thumbnails: 1, image: 20, nsfw: 3, summary: 9 };

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** KEDA's monitoring URL for a trigger, with the cluster's endpoint replaced by this server's. */
function monitoringUrl(endpoint, { account, useHttps }) {
  const scheme = useHttps === 'true' ? 'https' : 'http';
  return `${scheme}://${endpoint}/jsz?acc=${account}&consumers=true&config=true`;
}

/** The account's stream and the trigger's consumer in /jsz, as the scaler finds them. */
async function readJsz(endpoint, metadata) {
  const response = await fetch(monitoringUrl(endpoint, metadata));
  assert.equal(response.status, 200);
  const jsz = await response.json();
  const account = jsz.account_details?.find((a) => a.name === metadata.account);
  const stream = account?.stream_detail?.find((s) => s.name === metadata.stream);
  assert.ok(stream, `stream ${metadata.stream} not found: KEDA would report an error`);
  const consumer = stream.consumer_detail?.find((c) => c.name === metadata.consumer);
  return { stream, consumer };
}

/** A nats-jetstream trigger's metric as the scaler computes it (getMaxMsgLag). */
async function triggerLag(endpoint, metadata) {
  const { stream, consumer } = await readJsz(endpoint, metadata);
  return consumer ? consumer.num_pending + consumer.num_ack_pending : stream.state.last_seq;
}

/**
 * A metrics-api trigger's metric: the number at `valueLocation` of the JSON
 * its url answers, the cluster's origin replaced by this scheduler's. The
 * chart's paths are plain dotted keys, which this follows (and refuses any
 * other GJSON, so a new shape of path gets a new reader).
 */
async function metricsApiValue(schedulerUrl, { url, valueLocation }) {
  const cluster = new URL(url);
  const response = await fetch(new URL(cluster.pathname + cluster.search, schedulerUrl));
  assert.equal(response.status, 200, url);
  assert.match(
    valueLocation,
    /^[a-z_]+(\.[a-z_]+)*$/,
    `a path this test cannot follow: ${valueLocation}`,
  );
  const value = valueLocation.split('.').reduce((at, key) => at?.[key], await response.json());
  assert.equal(typeof value, 'number', `${valueLocation} is not a number`);
  return value;
}

/**
 * KEDA's `scalingModifiers.formula` is an expr-lang expression; the chart's
 * are sums of `(<trigger> + <trigger>) / <number>`, which this evaluates (and
 * refuses anything else, so a new shape of formula gets a new evaluator).
 */
function evaluateFormula(formula, metrics) {
  const value = (name) => {
    assert.ok(name in metrics, `the formula names no trigger ${name}`);
    return metrics[name];
  };
  return formula.split(/ \+ (?![^(]*\))/).reduce((sum, term) => {
    const match = /^\(([a-z_]+) \+ ([a-z_]+)\) \/ (\d+)$/.exec(term);
    assert.ok(match, `a term this test cannot evaluate: ${term}`);
    return sum + (value(match[1]) + value(match[2])) / Number(match[3]);
  }, 0);
}

/** The replicas KEDA and the HPA settle on for these trigger metrics. */
function desiredReplicas(scaled, metrics) {
  const { minReplicaCount, maxReplicaCount, triggers, advanced } = scaled.spec;
  const active = triggers.some(
    (t) =>
      metrics[t.name] >
      Number(t.metadata.activationLagThreshold ?? t.metadata.activationTargetValue ?? 0),
  );
  if (!active) return minReplicaCount;
  const modifiers = advanced?.scalingModifiers;
  const [metric, target] = modifiers
    ? [evaluateFormula(modifiers.formula, metrics), Number(modifiers.target)]
    : [metrics[triggers[0].name], Number(triggers[0].metadata.lagThreshold)];
  const wanted = Math.ceil(metric / target);
  return Math.min(maxReplicaCount, Math.max(minReplicaCount, wanted, 1));
}

describe('KEDA reading the lag of a real JetStream and the work a real scheduler holds back', () => {
  let server;
  let transport;
  let endpoint;
  let storeDir;
  let database;
  let scheduler;
  let bus;

  before(async () => {
    const [port, monitorPort] = [await freePort(), await freePort()];
    storeDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-keda-'));
    server = spawn(
      NATS_SERVER,
      ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)],
      { stdio: 'ignore' },
    );
    endpoint = `127.0.0.1:${monitorPort}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await fetch(`http://${endpoint}/healthz`)).ok) break;
      } catch {
        if (Date.now() > deadline) throw new Error('nats-server did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const natsUrl = `nats://127.0.0.1:${port}`;
    // The scheduler sets up the streams and every kind's work consumer at start.
    database = await createTestDatabase();
    const config = parseConfig(schedulerConfigSchema, {
      DATABASE_URL: database.url,
      NATS_URL: natsUrl,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      MEDIAFLOW_DATA_DIR: storeDir,
      MEDIAFLOW_INGESTS_PER_PROJECT: '2',
    });
    scheduler = await startScheduler({ ...config, PORT: 0 }, { shutdownHooks: false });
    bus = await NatsMessageBus.connect({ url: natsUrl, name: 'keda-lag-test-client' });
    transport = await JetStreamTaskTransport.connect({ url: natsUrl, name: 'keda-lag-test' });
  });

  after(async () => {
    await bus?.close();
    await scheduler?.close();
    await database?.drop();
    await transport?.close();
    server?.kill();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  /** Every ScaledObject's trigger metrics, read now. */
  async function readMetrics() {
    const byWorker = {};
    for (const scaled of scaledObjects) {
      byWorker[scaled.metadata.name] = {};
      for (const trigger of scaled.spec.triggers) {
        assert.ok(['nats-jetstream', 'metrics-api'].includes(trigger.type), trigger.type);
        byWorker[scaled.metadata.name][trigger.name] =
          trigger.type === 'nats-jetstream'
            ? await triggerLag(endpoint, trigger.metadata)
            : await metricsApiValue(scheduler.url, trigger.metadata);
      }
    }
    return byWorker;
  }

  const natsTriggers = (scaled) => scaled.spec.triggers.filter((t) => t.type === 'nats-jetstream');

  it("finds every trigger's consumer from the start: the lag never falls back to the stream's length", async () => {
    for (const scaled of scaledObjects) {
      for (const { metadata } of natsTriggers(scaled)) {
        const { consumer } = await readJsz(endpoint, metadata);
        assert.ok(consumer, `${metadata.consumer} does not exist before a worker runs`);
      }
    }
  });

  it('reads no lag before any task, so no worker starts for nothing', async () => {
    const metrics = await readMetrics();
    for (const scaled of scaledObjects) {
      for (const [name, lag] of Object.entries(metrics[scaled.metadata.name])) {
        assert.equal(lag, 0, `${scaled.metadata.name}/${name}`);
      }
      assert.equal(
        desiredReplicas(scaled, metrics[scaled.metadata.name]),
        scaled.spec.minReplicaCount,
      );
    }
  });

  it('reads each kind’s queued tasks, and scales each worker to its kinds’ sum over their concurrency', async () => {
    for (const [kind, count] of Object.entries(QUEUED)) {
      for (let i = 0; i < count; i++) {
        await transport.dispatch({
          v: TASK_MESSAGE_VERSION,
          task_id: newId('task'),
          attempt: 1,
          project_id: newId('prj'),
          kind,
          options: {},
          input: null,
          source_url: null,
          ref: null,
        });
      }
    }
    const metrics = await readMetrics();
    for (const kind of TASK_KIND_NAMES) {
      const scaled = scaledObjects.find((s) => s.spec.triggers.some((t) => t.name === kind));
      assert.equal(metrics[scaled.metadata.name][kind], QUEUED[kind] ?? 0, kind);
    }
    const replicas = Object.fromEntries(
      scaledObjects.map((s) => [s.metadata.name, desiredReplicas(s, metrics[s.metadata.name])]),
    );
    // With the chart's concurrencies: video ingest 3/8 + video 5/2 + thumbnails 1/2 = 3.375 → 4;
    // image 20/8 + nsfw 3/4 = 3.25 → 4; subtitles nothing queued → its minimum, 0; summary 9/4 → 3.
    assert.deepEqual(replicas, {
      'worker-video': 4,
      'worker-image': 4,
      'worker-subtitles': 0,
      'worker-summary': 3,
    });
  });

  it('adds the work the scheduler holds back for fairness, which is not on the broker yet', async () => {
    // Six ingests of one project: two go to the broker (MEDIAFLOW_INGESTS_PER_PROJECT), four wait.
    const project = newId('prj');
    for (let i = 0; i < 6; i++) {
      await bus.request(schedulerRpc.createIngest, {
        project_id: project,
        source: { url: `https://media.example/clip-${i}.mp4` },
        filename: null,
      });
    }
    let metrics;
    const deadline = Date.now() + 10_000;
    do {
      metrics = await readMetrics();
      if (metrics['worker-video'].ingest === QUEUED.ingest + 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    assert.equal(metrics['worker-video'].ingest, QUEUED.ingest + 2);
    assert.equal(metrics['worker-video'].held_ingest, 4);
    for (const scaled of scaledObjects) {
      for (const trigger of scaled.spec.triggers) {
        if (trigger.type === 'metrics-api' && trigger.name !== 'held_ingest')
          assert.equal(metrics[scaled.metadata.name][trigger.name], 0, trigger.name);
      }
    }
    const video = scaledObjects.find((s) => s.metadata.name === 'worker-video');
    // Ingest (3 + 2 queued + 4 held) / 8 + video 5/2 + thumbnails 1/2 = 4.125 → 5: one more pod
    // than the broker's lag alone (5/8 + 3 = 3.625 → 4) would ask for.
    assert.equal(desiredReplicas(video, metrics['worker-video']), 5);
  });
});
