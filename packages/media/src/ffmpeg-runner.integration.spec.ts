import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listChildProcesses } from './child-reaper';
import { runFfmpeg } from './ffmpeg-runner';

/** Children of this test process that are ffmpeg (or the stand-in script). */
async function runningChildren(name: string): Promise<number[]> {
  return (await listChildProcesses())
    .filter((child) => child.argv.some((arg) => arg.includes(name)))
    .map((c) => c.pid);
}

const realtime = (seconds: number) => [
  '-re',
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=160x120:rate=25:duration=${seconds}`,
  '-f',
  'null',
  '-',
];

describe('runFfmpeg', () => {
  let dir: string;
  const savedPath = process.env.FFMPEG_PATH;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-ffmpeg-'));
  });
  afterEach(() => {
    if (savedPath === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = savedPath;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports rising progress from -progress and resolves when ffmpeg succeeds', async () => {
    const seen: number[] = [];
    await runFfmpeg(realtime(2), {
      signal: new AbortController().signal,
      timeoutMs: 30_000,
      onProgress: (s) => seen.push(s),
    });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[0]!).toBeLessThan(1.5);
    expect(seen[seen.length - 1]!).toBeCloseTo(2, 0);
  });

  it('hands over stderr, where a filter reports at -loglevel info', async () => {
    let stderr = '';
    await runFfmpeg(
      [
        '-loglevel',
        'info',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=1',
        '-af',
        'volumedetect',
        '-f',
        'null',
        '-',
      ],
      {
        signal: new AbortController().signal,
        timeoutMs: 30_000,
        onStderr: (chunk) => (stderr += chunk),
      },
    );
    expect(stderr).toMatch(/\[Parsed_volumedetect_0 @ 0x[0-9a-f]+\] mean_volume: -[\d.]+ dB/);
  });

  it('kills ffmpeg on abort, rejects with cancelled, and leaves no process behind', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runFfmpeg(realtime(60), {
      signal: controller.signal,
      timeoutMs: 30_000,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(runningChildren('testsrc2')).resolves.toEqual([]);
  });

  it('runs ffmpeg in a process group of its own, out of reach of a terminal’s Ctrl-C', async () => {
    const processGroup = async (pid: number | 'self') => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // After the parenthesised command name: state, ppid, pgrp.
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    };
    const controller = new AbortController();
    let groups: number[] = [];
    const run = runFfmpeg(realtime(60), {
      signal: controller.signal,
      timeoutMs: 30_000,
      onProgress: () => {
        if (groups.length > 0 || controller.signal.aborted) return;
        void listChildProcesses()
          .then((children) =>
            Promise.all(
              children
                .filter((c) => c.argv.some((arg) => arg.startsWith('testsrc2=')))
                .map((c) => processGroup(c.pid)),
            ),
          )
          .then((found) => {
            groups = found;
            controller.abort();
          });
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(groups).toHaveLength(1);
    expect(groups[0]).not.toBe(await processGroup('self'));
  });

  it('rejects with timeout when ffmpeg runs too long', async () => {
    await expect(
      runFfmpeg(realtime(60), { signal: new AbortController().signal, timeoutMs: 800 }),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
    await expect(runningChildren('testsrc2')).resolves.toEqual([]);
  });

  it('escalates to SIGKILL when ffmpeg ignores SIGTERM', async () => {
    // A stand-in that ignores SIGTERM (the ignore survives exec) and would sleep for a minute.
    const stubborn = join(dir, 'stubborn-ffmpeg');
    await writeFile(stubborn, "#!/bin/sh\ntrap '' TERM\nexec sleep 60\n");
    await chmod(stubborn, 0o755);
    process.env.FFMPEG_PATH = stubborn;
    const controller = new AbortController();
    const run = runFfmpeg(['-i', 'whatever'], {
      signal: controller.signal,
      timeoutMs: 30_000,
      killGraceMs: 300,
    });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(runningChildren('sleep')).resolves.toEqual([]);
  });

  it('rejects with input_unreadable and ffmpeg’s own words, without server paths', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not a video\n');
    const run = runFfmpeg(['-i', `file:${text}`, '-f', 'null', '-'], {
      signal: new AbortController().signal,
      timeoutMs: 30_000,
    });
    await expect(run).rejects.toMatchObject({ code: 'input_unreadable' });
    const error = (await run.catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/notes\.txt: Invalid data found when processing input/);
    expect(error.message).not.toContain(dir);
  });

  it('rejects at once when already aborted, and says so when ffmpeg is missing', async () => {
    const aborted = AbortSignal.abort();
    await expect(
      runFfmpeg(realtime(1), { signal: aborted, timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    process.env.FFMPEG_PATH = join(dir, 'no-such-ffmpeg');
    await expect(
      runFfmpeg(realtime(1), { signal: new AbortController().signal, timeoutMs: 1000 }),
    ).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('ENOENT'),
    });
  });
});
