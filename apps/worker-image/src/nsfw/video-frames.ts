import { MediaflowError } from '@mediaflow/contracts';
import { lastFrameArgs, runFfmpeg } from '@mediaflow/media';
import { rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { frameSampleArgs } from './frame-sample-args';

export interface FrameSampleOptions {
  /** The model's input size: the frame is written `size`×`size`. */
  size: number;
  signal: AbortSignal;
  /** Per ffmpeg run; default 120 s. */
  timeoutMs?: number;
}

/**
 * Writes the frame of `inputPath` at `atSeconds` to `outputPath` as a PNG.
 * A time at or past the last frame (a duration rounded up, a frame rate
 * lower than the samples asked for) gets the last frame, at full size.
 */
export async function sampleFrame(
  inputPath: string,
  outputPath: string,
  atSeconds: number,
  { size, signal, timeoutMs = 120_000 }: FrameSampleOptions,
): Promise<void> {
  const input = resolve(inputPath);
  const output = resolve(outputPath);
  const run = (args: string[]) => runFfmpeg(args, { signal, timeoutMs });
  // ffmpeg exits 0 having written nothing when the seek lands past the end: check.
  await rm(output, { force: true });
  await run(frameSampleArgs(input, output, atSeconds, size));
  if (await written(output)) return;
  await run(lastFrameArgs(input, output));
  if (!(await written(output)))
    throw new MediaflowError('input_unreadable', 'The video has no frame that could be decoded');
}

async function written(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && info.size > 0;
}
