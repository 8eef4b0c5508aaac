import { MediaflowError } from '@mediaflow/contracts';
import { MEDIA_INPUT_OPTIONS } from './file-input-args';

/**
 * Media cut short (security.md, item 12): a file whose data stops before the
 * duration its header declares. A faststart MP4 keeps its index before its
 * data, so a truncated upload still probes as the whole length, and ffmpeg
 * decodes what is there and exits 0. Pure, so the rules are table-tested;
 * media-extent.ts runs the ffprobe these arguments build.
 */

/**
 * How far short of the declared duration media may fall and still be
 * whole: half a second (encoder priming and padding, a last frame's
 * length), or 5 % of a long file (timestamps rounded by odd muxers). A cut
 * that loses less than that is accepted, rather than refusing a good file.
 */
export function shortfallTolerance(declaredSeconds: number): number {
  return Math.max(0.5, declaredSeconds * 0.05);
}

export function isCutShort(reachedSeconds: number, declaredSeconds: number): boolean {
  return declaredSeconds - reachedSeconds > shortfallTolerance(declaredSeconds);
}

/** Seconds read before the declared end by the first, cheap look at a file's last packets. */
export const TAIL_SECONDS = 2;

/**
 * Where the reads of a file's last packets start, in turn, until one finds
 * some. The first covers the last TAIL_SECONDS only (plus the GOP the seek
 * lands in): enough to see a whole file reach its end, whatever its length.
 * Only a file that has nothing there is read again, from a tolerance
 * earlier (nothing there either: it is short by more than the tolerance),
 * then from the start, to say how much it holds: a cost only refused files pay.
 */
export function extentReadStarts(declaredSeconds: number): number[] {
  const first = Math.max(0, declaredSeconds - TAIL_SECONDS);
  const second = Math.max(0, first - shortfallTolerance(declaredSeconds));
  return [...new Set([first, second, 0])];
}

/**
 * ffprobe reading the packets from `fromSeconds` to the end of the file,
 * without decoding them, and the format's declared start and duration. At
 * `-v warning`, so that a duration ffprobe only estimated is said on stderr.
 */
export function mediaExtentArgs(path: string, fromSeconds: number): string[] {
  return [
    '-hide_banner',
    '-v',
    'warning',
    ...MEDIA_INPUT_OPTIONS,
    ...(fromSeconds > 0 ? ['-read_intervals', `${seconds(fromSeconds)}%`] : []),
    '-show_entries',
    'packet=stream_index,pts_time,dts_time,duration_time:stream=index,codec_type:stream_disposition=attached_pic:format=start_time,duration',
    '-of',
    'compact',
    `file:${path}`,
  ];
}

/** What a read of a file's last packets found. */
export interface MediaExtent {
  /** The duration the file declares, in seconds. */
  declared: number;
  /** Seconds from the file's start to where its audio and video packets end; null when none was found after `from`. */
  reached: number | null;
  /** Where the reading started (a seek to a time, so the packets found start at or before it). */
  from: number;
}

/**
 * ffprobe's answer to mediaExtentArgs, or null when it cannot tell: a
 * duration estimated from the bitrate (raw AAC, MP3 without a header that
 * counts its frames) is no declaration, and a file with no known duration
 * or no audio or video declares nothing.
 */
export function parseMediaExtent(stdout: string, stderr: string, from: number): MediaExtent | null {
  if (/Estimating duration from bitrate/i.test(stderr)) return null;
  const packets: Record<string, string>[] = [];
  const media = new Set<string>();
  let format: Record<string, string> | null = null;
  for (const line of stdout.split('\n')) {
    const [section, ...pairs] = line.trim().split('|');
    const fields = Object.fromEntries(
      pairs.map((pair) => {
        const eq = pair.indexOf('=');
        return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      }),
    );
    if (section === 'packet') packets.push(fields);
    else if (section === 'format') format = fields;
    else if (
      section === 'stream' &&
      (fields.codec_type === 'video' || fields.codec_type === 'audio') &&
      fields['disposition:attached_pic'] !== '1'
    ) {
      media.add(fields.index ?? '');
    }
  }
  const declared = num(format?.duration);
  if (declared === null || !(declared > 0) || media.size === 0) return null;
  // Packets carry absolute times; the duration counts from the start (an MP3's encoder delay, a TS clock).
  const start = num(format?.start_time) ?? 0;
  let end: number | null = null;
  for (const packet of packets) {
    if (!media.has(packet.stream_index ?? '')) continue;
    const at = num(packet.pts_time) ?? num(packet.dts_time);
    if (at === null) continue;
    const until = at + Math.max(0, num(packet.duration_time) ?? 0);
    end = end === null ? until : Math.max(end, until);
  }
  return { declared, reached: end === null ? null : end - start, from };
}

/**
 * Whether the file's data stops short of its declared end. Nothing found
 * after `from` means it stops before `from`.
 */
export function extentCutShort(extent: MediaExtent): boolean {
  return extent.reached === null
    ? extent.declared - extent.from > shortfallTolerance(extent.declared)
    : isCutShort(extent.reached, extent.declared);
}

/** `input_unreadable` for a file found cut short before any decoding (at ingest). */
export function readCutShortError(extent: MediaExtent): MediaflowError {
  const read =
    extent.reached === null ? `less than ${tenths(extent.from)}` : tenths(extent.reached);
  return new MediaflowError(
    'input_unreadable',
    `Read ${read} s of the ${tenths(extent.declared)} s the file declares: it is cut short`,
  );
}

/**
 * `input_unreadable` for a decode that came out short of the input's
 * declared duration (`ranged`: of the part a trim asked for) because the
 * file is cut short.
 */
export function decodedCutShortError(
  decodedSeconds: number,
  declaredSeconds: number,
  ranged: boolean,
): MediaflowError {
  const of = ranged
    ? `of the ${tenths(declaredSeconds)} s asked for: the file is cut short`
    : `of the ${tenths(declaredSeconds)} s the file declares: it is cut short`;
  return new MediaflowError('input_unreadable', `Decoded ${tenths(decodedSeconds)} s ${of}`);
}

function tenths(value: number): string {
  return value.toFixed(1);
}

function seconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function num(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'N/A') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
