import type { TaskOptions } from '@mediaflow/contracts';
import { defaultVideoCodec, videoCodecArgs, type VideoFormat } from './video-codec-args';
import { geometryFilters, videoGeometry } from './video-geometry';
import { qualityToCrf } from './video-quality';
import { trimmedInputArgs } from './trim-args';

export type VideoTranscodeOptions = TaskOptions<'video'>;

/** What the builder needs to know of the input, from its probe. */
export interface VideoSource {
  /** Display size (after rotation). */
  width: number;
  height: number;
  has_audio: boolean;
}

/** The muxer, and MP4/QuickTime's index moved to the front so playback starts before the download ends. */
const CONTAINER_ARGS: Record<VideoFormat, string[]> = {
  mp4: ['-movflags', '+faststart', '-f', 'mp4'],
  mov: ['-movflags', '+faststart', '-f', 'mov'],
  mkv: ['-f', 'matroska'],
  webm: ['-f', 'webm'],
};

/**
 * The sound of a transcode: AAC, or Opus in WebM (which takes only Opus or
 * Vorbis). Stereo, the layout every player and both encoders handle
 * (libopus refuses some 5.1 layouts outright), at bitrates transparent for
 * most listeners.
 */
const AUDIO_TRACK_ARGS: Record<VideoFormat, string[]> = {
  mp4: ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'],
  mov: ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'],
  mkv: ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'],
  webm: ['-c:a', 'libopus', '-b:a', '96k', '-ac', '2'],
};

/**
 * The ffmpeg arguments of a `video` task (docs/task-kinds.md): the first video stream
 * that is not cover art (`0:V:0`) and the first audio stream, if any,
 * nothing else (no subtitles, data or attachments); sized, trimmed,
 * resampled in time and encoded as the options ask; 8-bit 4:2:0, which
 * every hardware decoder plays. The output path is the last argument.
 */
export function videoTranscodeArgs(
  inputPath: string,
  outputPath: string,
  options: VideoTranscodeOptions,
  source: VideoSource,
): string[] {
  const format = options.format ?? 'mp4';
  const codec = options.codec ?? defaultVideoCodec(format);
  const geometry = videoGeometry(source, {
    width: options.width,
    height: options.height,
    fit: options.fit ?? 'contain',
  });
  // fps first: frames it drops are never scaled.
  const filters = [
    ...(options.fps !== undefined ? [`fps=${options.fps}`] : []),
    ...geometryFilters(geometry),
  ];
  const audio = options.audio !== false && source.has_audio;
  return [
    ...trimmedInputArgs(inputPath, { start: options.start, end: options.end }),
    '-map',
    '0:V:0',
    ...(audio ? ['-map', '0:a:0?'] : []),
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    ...videoCodecArgs(codec, format, qualityToCrf(codec, options.quality)),
    '-pix_fmt',
    'yuv420p',
    ...(audio ? AUDIO_TRACK_ARGS[format] : ['-an']),
    ...CONTAINER_ARGS[format],
    '-y',
    `file:${outputPath}`,
  ];
}
