/**
 * N trivial image steps (a 64×64 resize) through the whole system, against
 * the same sharp calls made directly, in one run. Prints tasks/s for both,
 * p50/p99 from run request to each step's start (one run at a time, and all
 * runs at once), and the overhead ratio; writes the same as JSON under
 * bench/results/.
 *
 *   pnpm bench:image [steps per run] [runs]
 */
import { readFileSync } from 'node:fs';
import {
  ALL_APPS,
  client,
  Fixtures,
  FixtureServer,
  System,
  stepsOf,
  waitForTask,
} from '@mediaflow/testing';
import { connect, JSONCodec } from 'nats';
import sharp from 'sharp';
import { writeResults } from './results';
import { median, percentile, table } from './stats';

const STEPS = Number(process.argv[2] ?? 20);
const RUNS = Number(process.argv[3] ?? 5);
const CONCURRENCY = 2;
const LATENCY_SAMPLES = 10;

async function direct(input: Buffer, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await sharp(input).resize(64, 64).jpeg().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const fixtures = new Fixtures();
  await fixtures.jpeg('source.jpg', 640, 480);
  const files = await FixtureServer.start(fixtures.dir);
  const system = await System.start(ALL_APPS, {
    MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
    MEDIAFLOW_WORKER_CONCURRENCY: String(CONCURRENCY),
    LOG_LEVEL: 'error',
  });
  const nc = await connect({ servers: system.env.NATS_URL });
  try {
    const api = client(system.baseUrl, system.adminKey);
    // Step starts, as the workers stamp them (ms), from the event stream.
    const startedAt = new Map<string, number>();
    const codec = JSONCodec<{ type: string; task_id: string; at: number }>();
    const sub = nc.subscribe(`${system.env.NATS_SUBJECT_PREFIX}.tasks.events.>`, {
      callback: (_error, message) => {
        const event = codec.decode(message.data);
        if (event.type === 'started') startedAt.set(event.task_id, event.at);
      },
    });

    // Ingest the source once; the measured runs start from the stored file.
    const first = await api('POST', '/tasks', {
      body: { kind: 'image', url: files.url('source.jpg'), options: { width: 64, height: 64 } },
    });
    const warm = await waitForTask(api, first.body.id);
    if (warm.status !== 'completed') throw new Error(`warm-up run ${warm.status}`);
    const fileId: string = warm.input.id;
    const workflow = Array.from({ length: STEPS }, () => ({
      kind: 'image',
      options: { width: 64, height: 64, format: 'jpeg' },
    }));

    // Latency alone: one single-step run at a time, so no step waits behind another.
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const at = Date.now();
      const res = await api('POST', '/tasks', {
        body: { kind: 'workflow', file_id: fileId, workflow: workflow.slice(0, 1) },
      });
      const done = await waitForTask(api, res.body.id);
      latencies.push((startedAt.get(stepsOf(done)[0].id) ?? NaN) - at);
    }

    const requested = new Map<string, number>();
    const began = performance.now();
    const wallStart = Date.now();
    const runIds = await Promise.all(
      Array.from({ length: RUNS }, async () => {
        const at = Date.now();
        const res = await api('POST', '/tasks', {
          body: { kind: 'workflow', file_id: fileId, workflow },
        });
        if (res.status !== 201)
          throw new Error(`run request answered ${res.status}: ${JSON.stringify(res.body)}`);
        requested.set(res.body.id, at);
        return res.body.id as string;
      }),
    );
    const runs = await Promise.all(runIds.map((id) => waitForTask(api, id, undefined, 600_000)));
    const systemMs = performance.now() - began;
    sub.unsubscribe();
    const failed = runs.filter((r) => r.status !== 'completed');
    if (failed.length > 0) throw new Error(`${failed.length} runs did not complete`);

    const waits = runs.flatMap((run) =>
      stepsOf(run).map((step) => (startedAt.get(step.id) ?? NaN) - requested.get(run.id)!),
    );
    const tasks = STEPS * RUNS;
    const directMs = await direct(readFileSync(fixtures.path('source.jpg')), tasks);
    const results = {
      steps_per_run: STEPS,
      runs: RUNS,
      tasks,
      worker_concurrency: CONCURRENCY,
      system: { seconds: systemMs / 1000, tasks_per_second: tasks / (systemMs / 1000) },
      direct_sharp: { seconds: directMs / 1000, tasks_per_second: tasks / (directMs / 1000) },
      request_to_start_ms: {
        p50: median(waits),
        p99: percentile(waits, 0.99),
        max: Math.max(...waits),
      },
      idle_request_to_start_ms: {
        samples: LATENCY_SAMPLES,
        p50: median(latencies),
        p99: percentile(latencies, 0.99),
      },
      overhead_ratio: systemMs / directMs,
      started_wall_clock: new Date(wallStart).toISOString(),
    };
    console.log(
      table([
        ['', 'tasks', 'seconds', 'tasks/s'],
        [
          'through Mediaflow',
          tasks,
          results.system.seconds.toFixed(2),
          results.system.tasks_per_second.toFixed(1),
        ],
        [
          'sharp directly',
          tasks,
          results.direct_sharp.seconds.toFixed(2),
          results.direct_sharp.tasks_per_second.toFixed(1),
        ],
      ]),
    );
    console.log(
      `\nrun request → step start, one run at a time: p50 ${results.idle_request_to_start_ms.p50.toFixed(0)} ms, p99 ${results.idle_request_to_start_ms.p99.toFixed(0)} ms` +
        `\nrun request → step start, all runs at once (includes queueing): p50 ${results.request_to_start_ms.p50.toFixed(0)} ms, p99 ${results.request_to_start_ms.p99.toFixed(0)} ms` +
        `\noverhead ratio (Mediaflow time / sharp time): ${results.overhead_ratio.toFixed(1)}×`,
    );
    console.log(`\nwrote ${writeResults('image-overhead', results)}`);
  } finally {
    await nc.close();
    await system.stop();
    await files.close();
    fixtures.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
