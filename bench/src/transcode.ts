/**
 * One 1080p fixture transcoded to 720p H.264, by ffmpeg run directly and by
 * a `video` task through the whole system, alternately, several times, in
 * one run. Prints both medians, their ratio, and the time from run request to
 * ffmpeg's start; writes the same as JSON under bench/results/.
 *
 * The worker's ffmpeg is a wrapper that records when it was started and with
 * which arguments, then execs the real one: the direct runs use exactly the
 * command line the worker built, so the two sides do the same work and the
 * ratio is the system's own cost (queueing, copying the input in, probing
 * and storing the output).
 *
 *   pnpm bench:transcode [runs] [seconds of fixture]
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ALL_APPS, client, Fixtures, FixtureServer, System, waitForTask } from '@mediaflow/testing';
import { connect, JSONCodec } from 'nats';
import { ffmpegRecorder, readCalls, redirectOutput, transcodeCall } from './ffmpeg-recorder';
import { writeResults } from './results';
import { median, table } from './stats';

const RUNS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 30);
const OPTIONS = { width: 1280, format: 'mp4', codec: 'h264' };

async function main(): Promise<void> {
  const realFfmpeg = process.env.FFMPEG_PATH?.trim() || 'ffmpeg';
  const fixtures = new Fixtures();
  process.stdout.write(`making a ${SECONDS} s 1920×1080 fixture… `);
  await fixtures.video('source.mp4', 1920, 1080, SECONDS);
  console.log('done');
  const recorder = ffmpegRecorder(fixtures.dir, realFfmpeg);
  const files = await FixtureServer.start(fixtures.dir);
  const system = await System.start(ALL_APPS, {
    MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
    FFMPEG_PATH: recorder.bin,
    LOG_LEVEL: 'error',
  });
  const nc = await connect({ servers: system.env.NATS_URL });
  try {
    const api = client(system.baseUrl, system.adminKey);
    const endedAt = new Map<string, number>();
    const startedAt = new Map<string, number>();
    const codec = JSONCodec<{ type: string; task_id: string; at: number }>();
    const sub = nc.subscribe(`${system.env.NATS_SUBJECT_PREFIX}.tasks.events.>`, {
      callback: (_error, message) => {
        const event = codec.decode(message.data);
        if (event.type === 'completed') endedAt.set(event.task_id, event.at);
        if (event.type === 'started') startedAt.set(event.task_id, event.at);
      },
    });

    // Ingest once; every measured run starts from the stored file.
    const ingested = await api('POST', '/tasks', {
      body: { kind: 'video', url: files.url('source.mp4'), options: OPTIONS },
    });
    const warm = await waitForTask(api, ingested.body.id, undefined, 600_000);
    if (warm.status !== 'completed')
      throw new Error(`warm-up task ${warm.status}: ${JSON.stringify(warm.error)}`);
    const fileId: string = warm.input.id;
    const workerArgs = transcodeCall(readCalls(recorder.log), 0).args;

    const systemMs: number[] = [];
    const directMs: number[] = [];
    const toFfmpegMs: number[] = [];
    const toWorkerMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const requested = Date.now();
      // Answered when the task ends, as a client waiting for it would ask: no polling beside
      // the transcode (every poll is CPU taken from ffmpeg, in the gateway, scheduler and PostgreSQL).
      const res = await api('POST', '/tasks', {
        body: { kind: 'video', file_id: fileId, options: OPTIONS },
        headers: { prefer: 'wait=60' },
      });
      if (res.status !== 201)
        throw new Error(`POST /tasks answered ${res.status}: ${JSON.stringify(res.body)}`);
      const task =
        res.headers.get('preference-applied') === null
          ? await waitForTask(api, res.body.id, undefined, 600_000)
          : res.body;
      if (task.status !== 'completed')
        throw new Error(`task ${task.status}: ${JSON.stringify(task.error)}`);
      systemMs.push(endedAt.get(task.id)! - requested);
      toFfmpegMs.push(transcodeCall(readCalls(recorder.log), requested).at - requested);
      toWorkerMs.push(startedAt.get(task.id)! - requested);

      const output = path.join(fixtures.dir, `direct-${i}.mp4`);
      const began = performance.now();
      await runDetached(realFfmpeg, redirectOutput(workerArgs, output));
      directMs.push(performance.now() - began);
      rmSync(output);
    }
    sub.unsubscribe();

    const results = {
      runs: RUNS,
      fixture: { width: 1920, height: 1080, seconds: SECONDS, fps: 30, codec: 'h264 + aac' },
      options: OPTIONS,
      ffmpeg_args: workerArgs.slice(0, -1),
      direct_ffmpeg_ms: { runs: directMs, median: median(directMs) },
      system_ms: { runs: systemMs, median: median(systemMs) },
      request_to_ffmpeg_start_ms: { runs: toFfmpegMs, median: median(toFfmpegMs) },
      request_to_worker_start_ms: { runs: toWorkerMs, median: median(toWorkerMs) },
      ratio: median(systemMs) / median(directMs),
      // Each system run against the direct run right after it: steadier than the medians when the machine's load drifts.
      paired_ratio_median: median(systemMs.map((ms, i) => ms / directMs[i]!)),
    };
    console.log(
      table([
        ['', 'runs', 'median s', 'each (s)'],
        [
          'ffmpeg directly',
          RUNS,
          (results.direct_ffmpeg_ms.median / 1000).toFixed(2),
          directMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
        ],
        [
          'video task through Mediaflow',
          RUNS,
          (results.system_ms.median / 1000).toFixed(2),
          systemMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
        ],
      ]),
    );
    console.log(
      `\nratio (Mediaflow / ffmpeg): ${results.ratio.toFixed(3)} of the medians, ${results.paired_ratio_median.toFixed(3)} median of run-by-run pairs` +
        `\nrun request → ffmpeg start: median ${results.request_to_ffmpeg_start_ms.median.toFixed(0)} ms (${toFfmpegMs.join(', ')})` +
        `\nrun request → the worker's started stamp: median ${results.request_to_worker_start_ms.median.toFixed(0)} ms (${toWorkerMs.join(', ')})`,
    );
    console.log(`\nwrote ${writeResults('transcode', results)}`);
  } finally {
    await nc.close();
    await system.stop();
    await files.close();
    fixtures.remove();
  }
}

/**
 * Runs a command in a session of its own, as the worker runs ffmpeg
 * (`detached`, packages/media's ffmpeg-runner) and as someone running it
 * from a terminal of their own would. Where the kernel groups CPU time by
 * session (autogroup, on by default in most Linux kernels), a command run
 * in the bench's own session would share the bench's slice with whatever
 * else that session runs, and the two sides would not be scheduled alike.
 */
function runDetached(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code ?? signal}`)),
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
