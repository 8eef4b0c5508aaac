import type { ImageFormat, ImagePlan } from './image-plan';

export interface PixelSize {
  width: number;
  height: number;
}

/**
 * The size a plan makes of an input of `input`'s size, as sharp's resize
 * does: an exact box, or the input scaled to fit inside (or cover) the sides
 * given, never enlarged when the plan says so. To the pixel is not needed:
 * it is what a render will cost that is estimated from it.
 */
export function plannedOutputSize(input: PixelSize, resize: ImagePlan['resize']): PixelSize {
  if (!resize) return input;
  const { width, height, fit } = resize;
  // cover, contain and fill with both sides: the box itself (imagePlan lets these enlarge).
  if (width !== null && height !== null && !resize.withoutEnlargement) return { width, height };
  const scales = [
    ...(width !== null ? [width / input.width] : []),
    ...(height !== null ? [height / input.height] : []),
  ];
  let scale = fit === 'outside' ? Math.max(...scales) : Math.min(...scales);
  if (resize.withoutEnlargement) scale = Math.min(scale, 1);
  return {
    width: Math.max(1, Math.round(input.width * scale)),
    height: Math.max(1, Math.round(input.height * scale)),
  };
}

/**
 * Seconds of a core per megapixel, as sharp 0.35 took them with one thread
 * (what each image gets on 2 cores, configureSharp) on a 2000×2000 picture
 * of blurred noise, much detail being the slow case: decoding and resizing
 * 0.004 (JPEG) to 0.04 (AVIF) whatever the format, encoding by format. The
 * slow end of each, so that a render is called longer rather than shorter.
 */
const DECODE_SECONDS_PER_MEGAPIXEL = 0.04;
const ENCODE_SECONDS_PER_MEGAPIXEL: Record<ImageFormat, number> = {
  jpeg: 0.012,
  png: 0.06,
  webp: 0.09,
  avif: 2.6,
};

/** About how long a render of `plan` on an input of `input`'s size takes, in seconds of a core. */
export function renderSeconds(input: PixelSize, plan: ImagePlan): number {
  const output = plannedOutputSize(input, plan.resize);
  const megapixels = (size: PixelSize) => (size.width * size.height) / 1_000_000;
  return (
    megapixels(input) * DECODE_SECONDS_PER_MEGAPIXEL +
    megapixels(output) * ENCODE_SECONDS_PER_MEGAPIXEL[plan.format]
  );
}

/**
 * Renders expected to take longer run in a process of their own
 * (render-process.ts), which a cancel kills at once: starting one costs
 * about 90 ms of a core, under a tenth of such a render. Shorter ones run
 * in the worker, where a cancel cannot stop them, but they end within it.
 */
export const RENDER_APART_SECONDS = 1;
