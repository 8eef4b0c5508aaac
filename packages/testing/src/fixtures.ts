import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { pngBombBytes } from './png-bomb';

const execFileAsync = promisify(execFile);

export interface VideoFixtureOptions {
  /** A sine tone track; default true. */
  audio?: boolean;
  /** Seconds of black before the test pattern (for frame grabs that must skip it); default 0. */
  blackLeadSeconds?: number;
  /** Frames per second; default 30. */
  fps?: number;
}

/** The ffmpeg arguments for `video()`: testsrc2 (after an optional black lead) and a sine tone. */
function videoFixtureArgs(
  file: string,
  width: number,
  height: number,
  seconds: number,
  { audio = true, blackLeadSeconds = 0, fps = 30 }: VideoFixtureOptions = {},
): string[] {
  const size = `${width}x${height}`;
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  args.push('-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}:duration=${seconds}`);
  const maps: string[] = [];
  let nextInput = 1;
  if (blackLeadSeconds > 0) {
    args.push(
      '-f',
      'lavfi',
      '-i',
      `color=black:size=${size}:rate=${fps}:duration=${blackLeadSeconds}`,
    );
    args.push('-filter_complex', `[${nextInput++}:v][0:v]concat=n=2:v=1:a=0[v]`);
    maps.push('-map', '[v]');
  } else {
    maps.push('-map', '0:v');
  }
  if (audio) {
    const total = seconds + blackLeadSeconds;
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${total}`);
    maps.push('-map', `${nextInput}:a`);
  }
  // The container and codecs follow the extension (H.264 + AAC for .mp4).
  return [
    ...args,
    ...maps,
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'ultrafast',
    '-movflags',
    '+faststart',
    file,
  ];
}

/**
 * Media the tests make for themselves in a temp directory (nothing binary
 * lives in git). Each maker takes a file name in that directory and returns
 * its absolute path.
 */
export class Fixtures {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'mediaflow-fixtures-'));

  path(name: string): string {
    return path.join(this.dir, name);
  }

  bytes(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  /** A JPEG with detail (noise), so that sizes and qualities matter; `orientation` is an EXIF value 1–8. */
  async jpeg(name: string, width: number, height: number, orientation?: number): Promise<string> {
    const image = sharp({
      create: {
        width,
        height,
        channels: 3,
        background: '#3a6ea5',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    });
    await (orientation ? image.withMetadata({ orientation }) : image)
      .jpeg({ quality: 90 })
      .toFile(this.path(name));
    return this.path(name);
  }

  /** A PNG whose left half is opaque red and right half fully transparent. */
  async pngWithAlpha(name: string, width: number, height: number): Promise<string> {
    const half = await sharp({
      create: {
        width: Math.ceil(width / 2),
        height,
        channels: 4,
        background: { r: 220, g: 40, b: 40, alpha: 1 },
      },
    })
      .png()
      .toBuffer();
    await sharp({
      create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .composite([{ input: half, left: 0, top: 0 }])
      .png()
      .toFile(this.path(name));
    return this.path(name);
  }

  /** `seconds` of testsrc2 at `width`×`height` with a sine tone (H.264 + AAC for .mp4). */
  async video(
    name: string,
    width: number,
    height: number,
    seconds: number,
    options: VideoFixtureOptions = {},
  ): Promise<string> {
    const ffmpeg = process.env.FFMPEG_PATH?.trim() || 'ffmpeg';
    await execFileAsync(ffmpeg, videoFixtureArgs(this.path(name), width, height, seconds, options));
    return this.path(name);
  }

  /** The first half of `from` (a fixture's name, or the path a maker returned): a file that starts right, then stops. */
  truncated(name: string, from: string): string {
    const whole = readFileSync(path.isAbsolute(from) ? from : this.path(from));
    writeFileSync(this.path(name), whole.subarray(0, Math.floor(whole.length / 2)));
    return this.path(name);
  }

  /** A PNG of `width`×`height` (900 megapixels by default) in about 100 KB: a decompression bomb. */
  pngBomb(name: string, width = 30_000, height = 30_000): string {
    writeFileSync(this.path(name), pngBombBytes(width, height));
    return this.path(name);
  }

  write(name: string, content: string | Buffer): string {
    writeFileSync(this.path(name), content);
    return this.path(name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
