/**
 * Colours in plain words, as a person would say them of a picture: "dark
 * blue", "light grey", "brown". Names come from hue, lightness and chroma
 * (how far the colour is from grey), with a few everyday exceptions: dark
 * orange is brown, light red is pink, dark yellow is olive.
 */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Chroma (0..1) below which a colour is a grey. */
const GREY_CHROMA = 0.1;

export function colourName({ r, g, b }: Rgb): string {
  const [red, green, blue] = [r / 255, g / 255, b / 255];
  const max = Math.max(red, green, blue);
  const min = Math.min(red, green, blue);
  const chroma = max - min;
  const lightness = (max + min) / 2;

  if (lightness < 0.1) return 'black';
  if (lightness > 0.94) return 'white';
  if (chroma < GREY_CHROMA) {
    if (lightness < 0.3) return 'dark grey';
    if (lightness < 0.7) return 'grey';
    return lightness < 0.88 ? 'light grey' : 'white';
  }

  let hue: number;
  if (max === red) hue = 60 * (((green - blue) / chroma + 6) % 6);
  else if (max === green) hue = 60 * ((blue - red) / chroma + 2);
  else hue = 60 * ((red - green) / chroma + 4);

  const dark = lightness < 0.3;
  const light = lightness > 0.72;
  if (hue >= 15 && hue < 50 && lightness < 0.4) return 'brown';
  if (hue >= 50 && hue < 70 && lightness < 0.3) return 'olive';
  if ((hue >= 330 || hue < 15) && light) return 'pink';

  const base =
    hue < 15 || hue >= 330
      ? 'red'
      : hue < 45
        ? 'orange'
        : hue < 70
          ? 'yellow'
          : hue < 160
            ? 'green'
            : hue < 190
              ? 'cyan'
              : hue < 260
                ? 'blue'
                : hue < 295
                  ? 'purple'
                  : 'pink';
  if (dark) return `dark ${base}`;
  if (light && base !== 'pink') return `light ${base}`;
  return base;
}

export interface ColourShare {
  name: string;
  /** 0..1 of the picture's opaque pixels. */
  share: number;
}

/** Pixels with less alpha than this are see-through and have no colour to speak of. */
const OPAQUE_ALPHA = 128;

/**
 * The picture's colours by name, commonest first: those covering at least
 * `minShare` of its opaque pixels (the commonest one always), at most `max`.
 * `pixels` is raw 8-bit data, `channels` per pixel (3: RGB, 4: RGBA).
 */
export function dominantColours(
  pixels: Uint8Array,
  channels: 3 | 4,
  { minShare = 0.1, max = 3 }: { minShare?: number; max?: number } = {},
): ColourShare[] {
  const counts = new Map<string, number>();
  let opaque = 0;
  for (let i = 0; i + channels <= pixels.length; i += channels) {
    if (channels === 4 && pixels[i + 3]! < OPAQUE_ALPHA) continue;
    const name = colourName({ r: pixels[i]!, g: pixels[i + 1]!, b: pixels[i + 2]! });
    counts.set(name, (counts.get(name) ?? 0) + 1);
    opaque++;
  }
  if (opaque === 0) return [];
  const shares = [...counts]
    .map(([name, count]) => ({ name, share: count / opaque }))
    // Ties go by name, so the answer never depends on the pixels' order.
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
  return shares.filter((s, i) => i === 0 || s.share >= minShare).slice(0, max);
}

/** The share (0..1) of pixels that are see-through. */
export function transparentShare(pixels: Uint8Array, channels: 3 | 4): number {
  if (channels === 3 || pixels.length === 0) return 0;
  let clear = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! < OPAQUE_ALPHA) clear++;
  return clear / (pixels.length / 4);
}
