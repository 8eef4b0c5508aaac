import { IMAGE_FORMATS, imageOutputBox, type ImageOptionsSchema } from '@mediaflow/contracts';
import type { z } from 'zod';

export type ImageOptions = z.output<typeof ImageOptionsSchema>;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export type ImageFit = NonNullable<ImageOptions['fit']>;

/** A colour as sharp takes it: 0..255 channels, alpha 0..1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

/** What the step's input is, as far as planning needs. */
export type PlanInput =
  /** `format` as the decoder read it (`jpeg`, `png`, `webp`, `avif`, `gif`, `tiff`, …). */
  { kind: 'image'; format: string | null } | { kind: 'video' };

export interface ImagePlan {
  /** Where the pixels come from: the image itself, or a frame of the video (null: a representative one). */
  source: { type: 'image' } | { type: 'frame'; atSeconds: number | null };
  /** Null keeps the size. */
  resize: {
    width: number | null;
    height: number | null;
    fit: ImageFit;
    withoutEnlargement: boolean;
    /** The padding of `contain`. */
    background: Rgba;
  } | null;
  format: ImageFormat;
  /** Null for png, which is lossless. */
  quality: number | null;
  /** JPEG has no alpha: transparent pixels are laid on this colour. Null for the formats that keep alpha. */
  flatten: Rgba | null;
  filename: string;
}

const DEFAULT_QUALITY: Record<ImageFormat, number | null> = {
  jpeg: 80,
  webp: 80,
  avif: 50,
  png: null,
};
const EXTENSION: Record<ImageFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
};

const BLACK: Rgba = { r: 0, g: 0, b: 0, alpha: 1 };
const WHITE: Rgba = { r: 255, g: 255, b: 255, alpha: 1 };
const TRANSPARENT: Rgba = { r: 0, g: 0, b: 0, alpha: 0 };

/** `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa` (the forms the options schema accepts). */
export function parseHexColour(hex: string): Rgba {
  let digits = hex.replace(/^#/, '');
  if (digits.length <= 4) digits = [...digits].map((d) => d + d).join('');
  const channel = (i: number) => parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return {
    r: channel(0),
    g: channel(1),
    b: channel(2),
    alpha: digits.length === 8 ? channel(3) / 255 : 1,
  };
}

function isImageFormat(format: string | null): format is ImageFormat {
  return (IMAGE_FORMATS as readonly (string | null)[]).includes(format);
}

/**
 * What the `image` kind makes of its options and input (docs/task-kinds.md, image).
 * Decisions the spec leaves open:
 * - an exact box (`cover`, `contain`, `fill` with both sides) is produced at
 *   the size asked, enlarging if need be; the keep-aspect fits (`inside`,
 *   `outside`, or one side alone) never enlarge, as the video kind never does;
 * - formats without an encoder here (gif, tiff, svg, heic…) become png;
 * - `contain` pads with `background`, else transparent where the format has
 *   alpha and black in jpeg (a letterbox); jpeg lays transparency on
 *   `background`, else white.
 */
export function imagePlan(options: ImageOptions, input: PlanInput, ref: string | null): ImagePlan {
  const source: ImagePlan['source'] =
    input.kind === 'video'
      ? { type: 'frame', atSeconds: options.start ?? null }
      : { type: 'image' };
  const format: ImageFormat =
    options.format ??
    (input.kind === 'video' ? 'jpeg' : isImageFormat(input.format) ? input.format : 'png');
  const chosen = options.background === undefined ? null : parseHexColour(options.background);

  let resize: ImagePlan['resize'] = null;
  const width = options.width ?? null;
  const height = options.height ?? null;
  if (width !== null || height !== null) {
    const both = width !== null && height !== null;
    const fit: ImageFit = options.fit ?? (both ? 'cover' : 'inside');
    resize = {
      width,
      height,
      fit,
      // The box the validation held to MAX_OUTPUT_PIXELS; every other resize stays within the input.
      withoutEnlargement: imageOutputBox(options) === null,
      background: chosen ?? (format === 'jpeg' ? BLACK : TRANSPARENT),
    };
  }

  return {
    source,
    resize,
    format,
    quality: format === 'png' ? null : (options.quality ?? DEFAULT_QUALITY[format]),
    flatten: format === 'jpeg' ? (chosen ?? WHITE) : null,
    filename: options.filename ?? `${ref ?? 'image'}.${EXTENSION[format]}`,
  };
}
