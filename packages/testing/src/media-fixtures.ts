import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Test media made by ffmpeg's lavfi sources, so no binary fixture is ever
 * committed. The container and codecs follow the output file's extension,
 * as ffmpeg chooses them.
 */

/** Runs ffmpeg (FFMPEG_PATH, else the one on PATH) to make a fixture. */
export async function runFixtureFfmpeg(args: readonly string[]): Promise<void> {
  const ffmpeg = process.env.FFMPEG_PATH?.trim() || 'ffmpeg';
  await execFileAsync(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
    timeout: 120_000,
  });
}

export interface TestVideoOptions {
  seconds?: number;
  width?: number;
  height?: number;
  /** A rate or a ratio: `25`, `30000/1001`. */
  fps?: string | number;
  /** A 440 Hz sine track; default true. */
  audio?: boolean;
  /** The sine's sample rate; default lavfi's (44.1 kHz). */
  sampleRate?: number;
  /** Seconds of black picture before the test pattern. */
  blackLeadSeconds?: number;
  /** Extra output arguments, e.g. `['-c:v', 'libvpx-vp9']`. */
  outputArgs?: string[];
}

/** testsrc2 (after an optional black lead) and a sine tone. */
export async function createTestVideo(path: string, options: TestVideoOptions = {}): Promise<void> {
  const {
    seconds = 2,
    width = 320,
    height = 240,
    fps = 25,
    audio = true,
    sampleRate,
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
    const rate = sampleRate ? `:sample_rate=${sampleRate}` : '';
    const duration = seconds + blackLeadSeconds;
    args.push('-f', 'lavfi', '-i', `sine=frequency=440${rate}:duration=${duration}`);
    maps.push('-map', `${audioInput}:a`);
  }
  await runFixtureFfmpeg([...args, ...maps, '-pix_fmt', 'yuv420p', ...outputArgs, '-y', path]);
}

export async function createTestAudio(
  path: string,
  options: { seconds?: number; outputArgs?: string[] } = {},
): Promise<void> {
  const { seconds = 2, outputArgs = [] } = options;
  await runFixtureFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${seconds}`,
    ...outputArgs,
    '-y',
    path,
  ]);
}

/**
 * A copy of `source` cut to `share` (0..1) of its bytes, as an interrupted
 * upload leaves it. Of a faststart MP4 (`-movflags +faststart`) the index
 * survives, so the copy still declares the whole duration.
 */
export async function createTruncatedCopy(
  source: string,
  path: string,
  share: number,
): Promise<void> {
  const bytes = await readFile(source);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * share)));
}

/** A finished HLS playlist of one segment, `uri` (a path or a URL), as a crafted upload names a file. */
export async function writeHlsPlaylist(path: string, uri: string): Promise<void> {
  await writeFile(path, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${uri}\n#EXT-X-ENDLIST\n`);
}

/** An ffconcat list of one file, `uri`. */
export async function writeConcatList(path: string, uri: string): Promise<void> {
  await writeFile(path, `ffconcat version 1.0\nfile '${uri.replace(/'/g, "'\\''")}'\n`);
}
