import { fitSentences, formatSummary, type SummaryStyle } from '../summary/summary-text';
import type { ColourShare } from './colour-names';

/** What can be measured of a picture without seeing what it shows. */
export interface ImageMeasurements {
  /** As displayed: after the EXIF orientation. */
  width: number;
  height: number;
  /** sharp's name of the format (`jpeg`, `png`, `webp`, `avif`, …), if known. */
  format: string | null;
  /** Frames of an animation, pages of a document; 1 for a still picture. */
  pages: number;
  /** 0..1 of the picture that is see-through. */
  transparent: number;
  colours: ColourShare[];
}

export type Orientation = 'landscape' | 'portrait' | 'square';

export function orientation(width: number, height: number): Orientation {
  return width > height ? 'landscape' : width < height ? 'portrait' : 'square';
}

const COMMON_RATIOS: readonly [number, number][] = [
  [5, 4],
  [4, 3],
  [3, 2],
  [16, 10],
  [16, 9],
  [2, 1],
  [21, 9],
  [3, 1],
];

/**
 * The aspect ratio as people write it: exact when it is made of small
 * numbers (`4:3`, `9:16`), else the common ratio within 2 % (`about 21:9`),
 * else to two decimals (`2.37:1`, `1:2.37` when portrait).
 */
export function aspectRatio(width: number, height: number): string {
  const divisor = gcd(width, height);
  const [w, h] = [width / divisor, height / divisor];
  if (w <= 32 && h <= 32) return `${w}:${h}`;
  const long = Math.max(width, height) / Math.min(width, height);
  const portrait = height > width;
  for (const [a, b] of COMMON_RATIOS) {
    if (Math.abs(long / (a / b) - 1) <= 0.02)
      return portrait ? `about ${b}:${a}` : `about ${a}:${b}`;
  }
  return portrait ? `1:${long.toFixed(2)}` : `${long.toFixed(2)}:1`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const FORMAT_NAMES: Record<string, string> = { webp: 'WebP', heif: 'HEIF', jpeg: 'JPEG' };

function formatName(format: string | null): string | null {
  if (!format) return null;
  return FORMAT_NAMES[format] ?? format.toUpperCase();
}

function list(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * An honest description of a picture from what was measured (size,
 * orientation, aspect, format, colours, transparency), for when no provider
 * can see: it never claims to know what the picture shows.
 */
export function describeImageProperties(
  image: ImageMeasurements,
  { maxWords, style }: { maxWords: number; style: SummaryStyle },
): string {
  const shape = orientation(image.width, image.height);
  const format = formatName(image.format);
  const aspect = shape === 'square' ? '' : ` (${aspectRatio(image.width, image.height)})`;
  const animated = image.pages > 1 && (image.format === 'gif' || image.format === 'webp');
  const sentences = [
    `A ${shape} ${animated ? 'animated ' : ''}${format ? `${format} ` : ''}image of ${image.width}×${image.height} pixels${aspect}${
      image.pages > 1 ? `, ${image.pages} ${animated ? 'frames' : 'pages'}` : ''
    }.`,
  ];

  const [first, ...others] = image.colours;
  if (first && first.share >= 0.9) sentences.push(`Almost entirely ${first.name}.`);
  else if (first && first.share >= 0.5)
    sentences.push(
      `Mostly ${first.name}${others.length ? `, with ${list(others.map((c) => c.name))}` : ''}.`,
    );
  else if (first) sentences.push(`A mix of ${list(image.colours.map((c) => c.name))}.`);
  if (image.transparent >= 0.99) sentences.push('It is entirely transparent.');
  else if (image.transparent >= 0.01) sentences.push('Parts of it are transparent.');
  return formatSummary(fitSentences(sentences, maxWords), style);
}
