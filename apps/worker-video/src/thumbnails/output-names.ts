import { safeFilename } from '@mediaflow/storage';

export type SpriteFormat = 'jpeg' | 'webp';

export const SPRITE_EXTENSION: Record<SpriteFormat, string> = { jpeg: 'jpg', webp: 'webp' };

/** The track's name: the `filename` option, else the step's ref (`thumbs.vtt`), else `thumbnails.vtt`. */
export function trackFilename(filename: string | undefined, ref: string | null): string {
  return filename ?? `${ref ?? 'thumbnails'}.vtt`;
}

/**
 * The sprite sheets' names, which the track's cues refer to: `sprite.jpg`
 * (docs/task-kinds.md), or `sprite-1.jpg`, `sprite-2.jpg`… when the frames take more
 * than one sheet. Plain ASCII names that storage keeps as they are, so the
 * sheets are stored under the same key prefix as the track with exactly
 * these names; a track the user named like a sheet pushes the sheets aside.
 */
export function spriteFilenames(format: SpriteFormat, sheets: number, track: string): string[] {
  const names = (base: string) =>
    sheets === 1
      ? [`${base}.${SPRITE_EXTENSION[format]}`]
      : Array.from({ length: sheets }, (_, i) => `${base}-${i + 1}.${SPRITE_EXTENSION[format]}`);
  const taken = safeFilename(track).toLowerCase();
  const plain = names('sprite');
  return plain.some((name) => name === taken) ? names('thumbnails-sprite') : plain;
}
