import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createTestVideo } from './media-fixtures';
import { pngBombBytes } from './png-bomb';

export interface VideoFixtureOptions {
  /** A sine tone track; default true. */
  audio?: boolean;
  /** Seconds of black before the test pattern (for frame grabs that must skip it); default 0. */
  blackLeadSeconds?: number;
  /** Frames per second; default 30. */
  fps?: number;
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
    await createTestVideo(this.path(name), {
      ...options,
      seconds,
      width,
      height,
      fps: options.fps ?? 30,
      sampleRate: 48000,
      outputArgs: ['-preset', 'ultrafast', '-movflags', '+faststart'],
    });
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
