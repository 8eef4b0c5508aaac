import { MediaflowError, type MediaProperties } from '@mediaflow/contracts';
import { describeContainer, describeImage, describeTrack } from './media-formats';

/** The parts of ffprobe's answer (as fluent-ffmpeg parses it) that classification reads. */
export interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  width?: number | string;
  height?: number | string;
  duration?: number | string;
  nb_frames?: number | string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  rotation?: number | string;
  disposition?: { attached_pic?: number | string };
  tags?: Record<string, string | number>;
}
export interface ProbedMedia {
  format: {
    format_name?: string;
    duration?: number | string;
    tags?: Record<string, string | number>;
  };
  streams: ProbedStream[];
}

/** Media properties without the size on disk, which the prober adds. */
export type ProbedProperties = Omit<MediaProperties, 'filesize'>;

/** Codecs of still pictures: a single frame of one is an image, not a video. */
const IMAGE_CODECS = new Set([
  'mjpeg',
  'png',
  'bmp',
  'gif',
  'webp',
  'tiff',
  'jpeg2000',
  'jpegls',
  'qoi',
  'pam',
  'ppm',
]);

/**
 * What a file is, from ffprobe's answer. Video needs a real moving picture:
 * a stream with a duration that is neither an attached picture (cover art)
 * nor a single still; audio is any file with sound and no such stream; a
 * track is a WebVTT or SRT file. Image containers never get here when sharp
 * could read them, so one that does is an image we cannot decode.
 */
export function classifyProbe(probe: ProbedMedia): ProbedProperties {
  const formatName = probe.format.format_name ?? '';
  const formatDuration = positive(probe.format.duration);

  if (formatName.endsWith('_pipe') || formatName === 'image2' || formatName === 'gif') {
    throw unreadable(
      `an image in a format mediaflow cannot decode (${formatName.replace(/_pipe$/, '')})`,
    );
  }

  const pictures = probe.streams.filter((s) => s.codec_type === 'video' && !isAttachedPicture(s));
  const moving = pictures.filter(
    (s) => !isStill(s) && (streamDuration(s) ?? formatDuration ?? 0) > 0,
  );
  const audio = probe.streams.filter((s) => s.codec_type === 'audio');

  if (moving.length === 0 && audio.length === 0) {
    const track = describeTrack(formatName);
    if (track && probe.streams.some((s) => s.codec_type === 'subtitle')) {
      return {
        kind: 'track',
        ...track,
        width: null,
        height: null,
        duration: formatDuration,
        fps: null,
        has_audio: false,
        has_video: false,
        language: null,
      };
    }
    throw unreadable(
      pictures.length > 0
        ? 'the file holds a still picture but no video or audio'
        : 'the file has no audio or video stream',
    );
  }

  const kind = moving.length > 0 ? 'video' : 'audio';
  const container = describeContainer({
    formatName,
    majorBrand: stringTag(probe.format.tags, 'major_brand'),
    kind,
    videoCodecs: moving.map((s) => s.codec_name ?? ''),
    audioCodecs: audio.map((s) => s.codec_name ?? ''),
  });
  if (!container)
    throw unreadable(`"${formatName || 'unknown'}" is not a container format mediaflow reads`);

  const duration = formatDuration ?? maxOf([...moving, ...audio].map(streamDuration));
  if (kind === 'audio') {
    return {
      kind,
      ...container,
      width: null,
      height: null,
      duration,
      fps: null,
      has_audio: true,
      has_video: false,
      language: null,
    };
  }
  const main = moving[0]!;
  const [width, height] = displaySize(main);
  return {
    kind,
    ...container,
    width,
    height,
    duration,
    fps: frameRate(main.avg_frame_rate) ?? frameRate(main.r_frame_rate),
    has_audio: audio.length > 0,
    has_video: true,
    language: null,
  };
}

/** The subset of sharp's metadata that describes an image. */
export interface ImageMetadata {
  format: string;
  compression?: string;
  width: number;
  height: number;
  pageHeight?: number;
  /** Dimensions once EXIF orientation is applied (sharp ≥ 0.34). */
  autoOrient?: { width: number; height: number };
}

export function imageProperties(meta: ImageMetadata): ProbedProperties {
  const width = meta.autoOrient?.width ?? meta.width;
  // Animated images are one page tall as they are shown.
  const height = meta.pageHeight ?? meta.autoOrient?.height ?? meta.height;
  return {
    kind: 'image',
    ...describeImage(meta.format, meta.compression),
    width,
    height,
    duration: null,
    fps: null,
    has_audio: false,
    has_video: false,
    language: null,
  };
}

/** `30000/1001` → 29.97: three decimals tell the NTSC rates apart. */
export function frameRate(rate: string | undefined): number | null {
  const match = /^(\d+)\/(\d+)$/.exec(rate ?? '');
  if (!match) return positive(rate) !== null ? Math.round(Number(rate) * 1000) / 1000 : null;
  const [num, den] = [Number(match[1]), Number(match[2])];
  if (num === 0 || den === 0) return null;
  return Math.round((num / den) * 1000) / 1000;
}

function isAttachedPicture(stream: ProbedStream): boolean {
  return Number(stream.disposition?.attached_pic ?? 0) === 1;
}

function isStill(stream: ProbedStream): boolean {
  if (!IMAGE_CODECS.has(stream.codec_name ?? '')) return false;
  const frames = positive(stream.nb_frames);
  // Motion JPEG and friends have many frames; a picture has one (or an unknown count and no duration).
  return frames === null ? streamDuration(stream) === null : frames <= 1;
}

/** The picture as shown: a display matrix rotated by ±90° swaps the axes. */
function displaySize(stream: ProbedStream): [number | null, number | null] {
  const width = positive(stream.width);
  const height = positive(stream.height);
  const rotation = Number(stream.rotation ?? stream.tags?.rotate ?? 0);
  return Math.abs(rotation) % 180 === 90 ? [height, width] : [width, height];
}

function streamDuration(stream: ProbedStream): number | null {
  // Matroska keeps stream durations in a DURATION tag (`00:00:02.000000000`).
  return positive(stream.duration) ?? clockSeconds(stringTag(stream.tags, 'DURATION'));
}

function clockSeconds(clock: string | null): number | null {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(clock ?? '');
  if (!match) return null;
  return positive(Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]));
}

function positive(value: number | string | undefined | null): number | null {
  if (value === undefined || value === null || value === '' || value === 'N/A') return null;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function maxOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
}

function stringTag(tags: Record<string, string | number> | undefined, name: string): string | null {
  const value = tags?.[name] ?? tags?.[name.toLowerCase()];
  return value === undefined ? null : String(value);
}

function unreadable(reason: string): MediaflowError {
  return new MediaflowError('input_unreadable', `The file cannot be read as media: ${reason}`);
}
