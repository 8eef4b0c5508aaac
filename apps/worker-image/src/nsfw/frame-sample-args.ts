import { frameAtArgs } from '@mediaflow/media';

/**
 * ffmpeg arguments for one sampled frame, already at the model's input
 * size: a 4K frame is never written or decoded again at full size. Pure,
 * so the exact command is what the tests assert.
 *
 * One seek per frame, one ffmpeg run per frame, rather than one run over
 * every frame: a single run either decodes the whole video (a select or fps
 * filter: minutes for a long film) or opens the file once per frame, and 32
 * open 4K H.264 decoders held 1.4 GB (3.1 GB with ffmpeg's default threads)
 * where one run holds 150 MB, for no gain in time (both measured on a 20 s
 * 4K clip: 26 s for one run of 8 inputs, 19 s for 8 runs).
 */
export function frameSampleArgs(
  inputPath: string,
  outputPath: string,
  atSeconds: number,
  size: number,
): string[] {
  // Squashed to a square, as nsfwjs resizes whatever it is given.
  return frameAtArgs(inputPath, outputPath, atSeconds, `scale=${size}:${size}`);
}
