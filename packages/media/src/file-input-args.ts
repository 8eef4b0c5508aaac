import { MediaflowError } from '@mediaflow/contracts';
import { READABLE_FORMAT_NAMES } from './media-formats';

/**
 * `file:` only, for ffmpeg and ffprobe: a crafted playlist (HLS, concat)
 * cannot make them reach the network or any other protocol. On its own it
 * still lets a playlist open any local path: see MEDIA_INPUT_OPTIONS.
 */
export const FILE_PROTOCOL_ONLY: readonly string[] = ['-protocol_whitelist', 'file'];

/**
 * The input options for media a user gave: the `file:` protocol only, and
 * only the demuxers of the containers mediaflow reads (READABLE_FORMAT_NAMES).
 * None of those opens another input, so ffmpeg and ffprobe open no local
 * path but the input itself. A playlist (hls, concat, dash, imf), an image
 * sequence (image2) or any other demuxer that names further files is
 * refused as soon as its format is recognised from the input's first bytes,
 * before a file it names is looked at: the answer is the same whether that
 * file exists or not (security.md, item 8). ffmpeg 5.1 (Debian 12) and later
 * check the list for probed and forced formats alike.
 */
export const MEDIA_INPUT_OPTIONS: readonly string[] = [
  ...FILE_PROTOCOL_ONLY,
  '-format_whitelist',
  READABLE_FORMAT_NAMES.join(','),
];

/** The input side of an ffmpeg command that reads one media file a user gave. */
export function mediaInputArgs(path: string): string[] {
  return [...MEDIA_INPUT_OPTIONS, '-i', `file:${path}`];
}

/**
 * The input side of an ffmpeg command that reads a file the worker wrote
 * itself, in a format it chose (the frames of a sprite, read back as an
 * `image2` sequence). Never for a user's file: use mediaInputArgs.
 */
export function fileInputArgs(path: string): string[] {
  return [...FILE_PROTOCOL_ONLY, '-i', `file:${path}`];
}

/** What a refused format makes ffmpeg and ffprobe print: `Format not on whitelist 'mov,…'`. */
const FORMAT_REFUSED = /Format not on whitelist/;

/**
 * The error for a file whose format MEDIA_INPUT_OPTIONS refused, when
 * `stderr` says so; null otherwise. One fixed message: ffmpeg's own lines
 * carry addresses and the whole list, and the error must not depend on
 * anything but the input's format.
 */
export function refusedFormatError(stderr: string): MediaflowError | null {
  if (!FORMAT_REFUSED.test(stderr)) return null;
  return new MediaflowError(
    'input_unreadable',
    'The file cannot be read as media: it is not in an audio, video or subtitle format mediaflow reads',
  );
}
