/**
 * The all-in-one process (`pnpm start` with no NATS_URL or DATABASE_URL)
 * transcoding a 1080p fixture to the seed's 1280-wide mp4, against ffmpeg
 * run directly with the very command line the worker built, alternately, in
 * one run. Prints the time of each and their ratio, and the memory (PSS,
 * sampled every 100 ms from /proc): the Node process's idle and at its peak
 * while it transcodes, ffmpeg's, and the embedded PostgreSQL's.
 * Writes the same as JSON under bench/results/.
 *
 *   pnpm bench:all-in-one [runs] [seconds of fixture]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { client, Fixtures, FixtureServer, startApp, waitForTask } from '@mediaflow/testing';
import { ffmpegRecorder, readCalls, redirectOutput, transcodeCall } from './ffmpeg-recorder';
import { MemorySampler, peakRss, processTree, type ProcessMemory } from './process-memory';
import { writeResults } from './results';
import { median, table } from './stats';

const RUNS = Number(process.argv[2] ?? 3);
const SECONDS = Number(process.argv[3] ?? 30);
const OPTIONS = { width: 1280, format: 'mp4', quality: 'high' };
const MB = 1024 * 1024;
const execFileAsync = promisify(execFile);

/** Which part of the product a process of the tree is. */
function part(p: ProcessMemory, root: number): string {
  if (p.pid === root) return 'node';
  if (p.command.startsWith('ffmpeg') || p.command.startsWith('ffprobe')) return 'ffmpeg';
  if (p.command.startsWith('postgres')) return 'postgres';
  return 'other';
}

const mb = (bytes: number | undefined) => ((bytes ?? 0) / MB).toFixed(0);

async function main(): Promise<void> {
  const realFfmpeg = process.env.FFMPEG_PATH?.trim() || 'ffmpeg';
  const fixtures = new Fixtures();
  process.stdout.write(`making a ${SECONDS} s 1920×1080 fixture… `);
  await fixtures.video('source.mp4', 1920, 1080, SECONDS);
  console.log('done');
  const recorder = ffmpegRecorder(fixtures.dir, realFfmpeg);
  const files = await FixtureServer.start(fixtures.dir);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-bench-all-in-one-'));
  const app = await startApp('all-in-one', {
    NATS_URL: '',
    DATABASE_URL: '',
    MEDIAFLOW_API_KEY: '',
    MEDIAFLOW_DATA_DIR: dataDir,
    MEDIAFLOW_ALLOWED_HOSTS: '127.0.0.1',
    FFMPEG_PATH: recorder.bin,
    LOG_LEVEL: 'error',
  });
  const pid = app.child.pid!;
  try {
    const api = client(
      `http://127.0.0.1:${app.port}`,
      readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim(),
    );
    const idle = Object.fromEntries(
      ['node', 'postgres'].map((name) => [
        name,
        processTree(pid)
          .filter((p) => part(p, pid) === name)
          .reduce((sum, p) => sum + p.pssBytes, 0),
      ]),
    );

    const ingested = await api('POST', '/tasks', {
      body: { kind: 'video', url: files.url('source.mp4'), options: OPTIONS },
    });
    const warm = await waitForTask(api, ingested.body.id, undefined, 600_000);
    if (warm.status !== 'completed')
      throw new Error(`warm-up task ${warm.status}: ${JSON.stringify(warm.error)}`);
    const workerArgs = transcodeCall(readCalls(recorder.log), 0).args;

    const sampler = new MemorySampler(pid, part);
    sampler.start();
    const systemMs: number[] = [];
    const directMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const requested = performance.now();
      const res = await api('POST', '/tasks', {
        body: { kind: 'video', file_id: warm.input.id, options: OPTIONS },
      });
      if (res.status !== 201)
        throw new Error(`POST /tasks answered ${res.status}: ${JSON.stringify(res.body)}`);
      const task = await waitForTask(api, res.body.id, undefined, 600_000);
      if (task.status !== 'completed')
        throw new Error(`task ${task.status}: ${JSON.stringify(task.error)}`);
      // Polled every 250 ms: the system's time is up to that much long.
      systemMs.push(performance.now() - requested);

      const output = path.join(fixtures.dir, `direct-${i}.mp4`);
      const began = performance.now();
      await execFileAsync(realFfmpeg, redirectOutput(workerArgs, output));
      directMs.push(performance.now() - began);
      rmSync(output);
    }
    const peaks = sampler.stop();
    const nodePeak = peakRss(pid);

    const results = {
      runs: RUNS,
      fixture: { width: 1920, height: 1080, seconds: SECONDS, fps: 30, codec: 'h264 + aac' },
      options: OPTIONS,
      direct_ffmpeg_ms: { runs: directMs, median: median(directMs) },
      system_ms: { runs: systemMs, median: median(systemMs) },
      ratio: median(systemMs) / median(directMs),
      memory_bytes: {
        node_idle: idle.node,
        node_peak_sampled: peaks.get('node') ?? 0,
        node_peak_hwm: nodePeak,
        ffmpeg_peak: peaks.get('ffmpeg') ?? 0,
        postgres_idle: idle.postgres,
        postgres_peak: peaks.get('postgres') ?? 0,
      },
    };
    console.log(
      table([
        ['', 'runs', 'median s', 'each (s)'],
        [
          'ffmpeg directly',
          RUNS,
          (median(directMs) / 1000).toFixed(2),
          directMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
        ],
        [
          'video task, all-in-one',
          RUNS,
          (median(systemMs) / 1000).toFixed(2),
          systemMs.map((ms) => (ms / 1000).toFixed(2)).join(' '),
        ],
      ]),
    );
    console.log(`\nratio (all-in-one / ffmpeg): ${results.ratio.toFixed(3)} of the medians\n`);
    console.log(
      table([
        ['memory, PSS (MB)', 'idle', 'peak while transcoding'],
        [
          'all-in-one Node process',
          mb(idle.node),
          `${mb(peaks.get('node'))} (peak RSS ${mb(nodePeak)})`,
        ],
        ['ffmpeg (its child)', '0', mb(peaks.get('ffmpeg'))],
        ['embedded PostgreSQL (all its processes)', mb(idle.postgres), mb(peaks.get('postgres'))],
      ]),
    );
    console.log(`\nwrote ${writeResults('all-in-one', results)}`);
  } finally {
    await app.stop('SIGTERM');
    await files.close();
    fixtures.remove();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
