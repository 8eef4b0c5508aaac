import { runFfmpeg } from './ffmpeg-runner';

/**
 * Test media made by ffmpeg's lavfi sources, so no binary fixture is ever
 * committed. For tests (here and in the workers); the container and codecs
 * follow the output file's extension, as ffmpeg chooses them.
 */

export interface TestVideoOptions {
  seconds?: number;
  width?: number;
  height?: number;
  /** A rate or a ratio: `25`, `30000/1001`. */
  fps?: string | number;
  /** A 440 Hz sine track; default true. */
  audio?: boolean;
  /** Seconds of black picture before the test pattern. */
  blackLeadSeconds?: number;
  /** Extra output arguments, e.g. `['-c:v', 'libvpx-vp9']`. */
  outputArgs?: string[];
}

export async function createTestVideo(path: string, options: TestVideoOptions = {}): Promise<void> {
  const {
    seconds = 2,
    width = 320,
    height = 240,
    fps = 25,
    audio = true,
    blackLeadSeconds = 0,
    outputArgs = [],
  } = options;
  const size = `${width}x${height}`;
  const args = ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}:duration=${seconds}`];
  const maps: string[] = [];
  if (blackLeadSeconds > 0) {
    args.push(
      '-f',
      'lavfi',
      '-i',
      `color=black:size=${size}:rate=${fps}:duration=${blackLeadSeconds}`,
    );
    args.push('-filter_complex', '[1:v][0:v]concat=n=2:v=1:a=0[v]');
    maps.push('-map', '[v]');
  } else {
    maps.push('-map', '0:v');
  }
  if (audio) {
    const audioInput = blackLeadSeconds > 0 ? 2 : 1;
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds + blackLeadSeconds}`);
    maps.push('-map', `${audioInput}:a`);
  }
  await run([...args, ...maps, '-pix_fmt', 'yuv420p', ...outputArgs, '-y', path]);
}

export async function createTestAudio(
  path: string,
  options: { seconds?: number; outputArgs?: string[] } = {},
): Promise<void> {
  const { seconds = 2, outputArgs = [] } = options;
  await run([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    ...outputArgs,
    '-y',
    path,
  ]);
}

function run(args: string[]): Promise<void> {
  return runFfmpeg(args, { signal: new AbortController().signal, timeoutMs: 120_000 });
}
