import { rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MediaflowError } from '@mediaflow/contracts';
import { frameAtArgs, lastFrameArgs, representativeFrameArgs } from './frame-grab-args';
import { runFfmpeg } from './ffmpeg-runner';

export interface GrabFrameOptions {
  /** The frame at this time; without it, a representative non-black frame from the first 10 %. */
  atSeconds?: number;
  /** The video's duration (from the probe), or null when unknown. */
  durationSeconds: number | null;
  signal: AbortSignal;
  /** Default 120 s per ffmpeg run. */
  timeoutMs?: number;
}

/** Writes one frame of a video to `outputPath` as a PNG. */
export async function grabFrame(
  inputPath: string,
  outputPath: string,
  options: GrabFrameOptions,
): Promise<void> {
  const input = resolve(inputPath);
  const output = resolve(outputPath);
  const run = (args: string[]) =>
    runFfmpeg(args, { signal: options.signal, timeoutMs: options.timeoutMs ?? 120_000 });
  const { atSeconds, durationSeconds } = options;
  // ffmpeg may exit 0 having written nothing (a seek past the end, an all-black video): check.
  await rm(output, { force: true });

  if (atSeconds !== undefined) {
    if (!(atSeconds >= 0)) throw new RangeError('atSeconds must be ≥ 0');
    const at =
      durationSeconds !== null && durationSeconds > 0
        ? Math.min(atSeconds, durationSeconds)
        : atSeconds;
    await run(frameAtArgs(input, output, at));
    // At or past the last frame: the last frame is the one asked for.
    if (!(await written(output))) await run(lastFrameArgs(input, output));
  } else {
    await run(representativeFrameArgs(input, output, durationSeconds));
    // Nothing but black: the first frame is as representative as any.
    if (!(await written(output))) await run(frameAtArgs(input, output, 0));
  }
  if (!(await written(output))) {
    throw new MediaflowError('input_unreadable', 'The video has no frame that could be decoded');
  }
}

async function written(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && info.size > 0;
}
