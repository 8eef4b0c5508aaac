// What KEDA would scale each worker to, read on a real nats-server: the
// scheduler's transport sets up the streams and every work consumer, tasks
// are queued, and each ScaledObject of the rendered chart is evaluated as
// KEDA does. The lag is read like KEDA's nats-jetstream scaler
// (kedacore/keda, pkg/scalers/nats_jetstream_scaler.go): GET
// `<scheme>://<endpoint>/jsz?acc=<account>&consumers=true&config=true`, the
// account's stream by name, the consumer by name, lag = num_pending +
// num_ack_pending; a consumer that does not exist reads as the stream's
// last_seq. The HPA then wants ceil(metric / target) replicas (AverageValue),
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
const { JetStreamTaskTransport } = built('packages/messaging');
const { newId, TASK_MESSAGE_VERSION, TASK_KIND_NAMES } = built('packages/contracts');

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

/** A trigger's metric as the scaler computes it (getMaxMsgLag). */
async function triggerLag(endpoint, metadata) {
  const { stream, consumer } = await readJsz(endpoint, metadata);
  return consumer ? consumer.num_pending + consumer.num_ack_pending : stream.state.last_seq;
}

/**
 * KEDA's `scalingModifiers.formula` is an expr-lang expression; the chart's
 * are sums of `<trigger> / <number>`, which this evaluates (and refuses
 * anything else, so a new shape of formula gets a new evaluator).
 */
function evaluateFormula(formula, metrics) {
  return formula.split(' + ').reduce((sum, term) => {
    const match = /^([a-z_]+) \/ (\d+)$/.exec(term);
    assert.ok(match, `a term this test cannot evaluate: ${term}`);
    assert.ok(match[1] in metrics, `the formula names no trigger ${match[1]}`);
    return sum + metrics[match[1]] / Number(match[2]);
  }, 0);
}

/** The replicas KEDA and the HPA settle on for these trigger metrics. */
function desiredReplicas(scaled, metrics) {
  const { minReplicaCount, maxReplicaCount, triggers, advanced } = scaled.spec;
  const active = triggers.some(
    (t) => metrics[t.name] > Number(t.metadata.activationLagThreshold ?? 0),
  );
  if (!active) return minReplicaCount;
  const modifiers = advanced?.scalingModifiers;
  const [metric, target] = modifiers
    ? [evaluateFormula(modifiers.formula, metrics), Number(modifiers.target)]
    : [metrics[triggers[0].name], Number(triggers[0].metadata.lagThreshold)];
  const wanted = Math.ceil(metric / target);
  return Math.min(maxReplicaCount, Math.max(minReplicaCount, wanted, 1));
}

describe('KEDA reading the lag of a real JetStream', () => {
  let server;
  let transport;
  let endpoint;
  let storeDir;

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
    // What the scheduler does at start: the streams, and every kind's work consumer.
    transport = await JetStreamTaskTransport.connect({
      url: `nats://127.0.0.1:${port}`,
      name: 'keda-lag-test',
    });
    await transport.setup();
  });

  after(async () => {
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
        byWorker[scaled.metadata.name][trigger.name] = await triggerLag(endpoint, trigger.metadata);
      }
    }
    return byWorker;
  }

  it("finds every trigger's consumer from the start: the lag never falls back to the stream's length", async () => {
    for (const scaled of scaledObjects) {
      for (const { metadata } of scaled.spec.triggers) {
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
});
