import type { QUALITY_PRESETS, VIDEO_CODECS } from '@mediaflow/contracts';

/**
 * The `quality` option of a `video` task as each encoder's constant rate
 * factor (CRF). Quality is 1..100, higher is better, or a preset that names
 * a point on that scale. Each encoder's CRF runs the other way (lower is
 * better) on its own scale, so 1..100 maps linearly onto a range chosen per
 * encoder, from "small and visibly soft" at 1 to "near transparent" at 100:
 *
 * | quality        | libx264 | libx265 | libvpx-vp9 | libsvtav1 |
 * |----------------|---------|---------|------------|-----------|
 * | 1              | 36      | 40      | 52         | 55        |
 * | low (40)       | 28      | 32      | 39         | 41        |
 * | medium (60)    | 24      | 28      | 32         | 34        |
 * | high (75)      | 21      | 25      | 27         | 29        |
 * | very_high (90) | 18      | 22      | 21         | 24        |
 * | 100            | 16      | 20      | 18         | 20        |
 *
 * The anchors follow each encoder's own guidance: x264's default 23 and
 * "visually lossless" ~18; x265 needs about 4 more than x264 for the same
 * picture (its default is 28); VP9 and AV1 use 0..63, where Google suggests
 * 31–33 for 1080p VP9 and SVT-AV1 defaults to 35.
 */

export type QualityPreset = (typeof QUALITY_PRESETS)[number];
export type VideoQuality = QualityPreset | number;
export type VideoCodec = (typeof VIDEO_CODECS)[number];

/** Where each preset sits on the 1..100 scale. */
export const QUALITY_POINTS: Record<QualityPreset, number> = {
  low: 40,
  medium: 60,
  high: 75,
  very_high: 90,
};

/** Each encoder's CRF at quality 1 and at quality 100. */
export const CRF_RANGES: Record<VideoCodec, { at1: number; at100: number }> = {
  h264: { at1: 36, at100: 16 },
  h265: { at1: 40, at100: 20 },
  vp9: { at1: 52, at100: 18 },
  av1: { at1: 55, at100: 20 },
};

export const DEFAULT_QUALITY: QualityPreset = 'high';

export function qualityToCrf(codec: VideoCodec, quality: VideoQuality = DEFAULT_QUALITY): number {
  const point = typeof quality === 'number' ? quality : QUALITY_POINTS[quality];
  if (!(Number.isInteger(point) && point >= 1 && point <= 100)) {
    throw new RangeError(`quality must be a whole number from 1 to 100, not ${point}`);
  }
  const { at1, at100 } = CRF_RANGES[codec];
  return Math.round(at1 + ((at100 - at1) * (point - 1)) / 99);
}
