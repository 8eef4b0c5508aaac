import type { SpriteCell } from './sprite-layout';

/** One cue of the track: a time range and the sprite region players show for it. */
export interface ThumbnailCue {
  /** Seconds. */
  start: number;
  end: number;
  /** The sheet's file name, relative to the track (they are stored side by side). */
  image: string;
  cell: Pick<SpriteCell, 'x' | 'y' | 'w' | 'h'>;
}

/**
 * The WebVTT track players read for scrubbing previews (docs/task-kinds.md,
 * thumbnails): each cue's payload is `<image>#xywh=x,y,w,h`, the media
 * fragment form of video.js, JW Player, Vidstack and others. Times are cut
 * to whole milliseconds; a boundary shared by two cues is rounded once, so
 * cues that touch still touch.
 */
export function thumbnailsVtt(cues: readonly ThumbnailCue[]): string {
  const lines = ['WEBVTT', ''];
  for (const cue of cues) {
    const start = Math.round(cue.start * 1000);
    const end = Math.max(start + 1, Math.round(cue.end * 1000));
    const { x, y, w, h } = cue.cell;
    lines.push(`${vttTimestamp(start)} --> ${vttTimestamp(end)}`);
    lines.push(`${imageReference(cue.image)}#xywh=${x},${y},${w},${h}`, '');
  }
  return lines.join('\n');
}

/** `HH:MM:SS.mmm` from whole milliseconds; hours grow past two digits when they must. */
export function vttTimestamp(milliseconds: number): string {
  if (!(Number.isSafeInteger(milliseconds) && milliseconds >= 0)) {
    throw new RangeError('a timestamp is a whole number of milliseconds ≥ 0');
  }
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor(milliseconds / 60_000) % 60;
  const seconds = Math.floor(milliseconds / 1000) % 60;
  const ms = milliseconds % 1000;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(ms, 3)}`;
}

/**
 * A file name as a relative URL: percent-encoded, so that a space, `#` or
 * `?` in it is not read as the URL's fragment or query, and `-->` cannot end
 * up in a cue's payload (where WebVTT forbids it).
 */
function imageReference(filename: string): string {
  return encodeURIComponent(filename);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
