import type { VIDEO_FORMATS } from '@mediaflow/contracts';
import type { VideoCodec } from './video-quality';

export type VideoFormat = (typeof VIDEO_FORMATS)[number];

/**
 * How hard each encoder works. One setting per encoder, whatever the
 * quality: `quality` sets the CRF, which decides how the picture looks;
 * the speed setting mostly trades CPU time for file size at that look, and
 * that is the operator's budget rather than a per-request choice. Tying it
 * to quality would make `very_high` tasks several times slower at random.
 * Each sits where the encoder's curve flattens for on-demand transcodes:
 * - x264 `veryfast`: about 2–3× the speed of `medium` for ~10 % larger
 *   files at the same CRF; the usual choice for server-side web video.
 * - x265 `faster`: x265 is several times slower than x264 at equal presets;
 *   `faster` keeps it within a small multiple of the x264 time.
 * - VP9 `-deadline good -cpu-used 4`, with `-row-mt 1` so it uses more than
 *   one core per tile: the speed libvpx's own VOD guide recommends.
 * - SVT-AV1 preset 8: the fast end of the presets meant for VOD (the
 *   defaults around 10–12 are for real time and much larger).
 */
export const ENCODER_SPEED = {
  h264: ['-preset', 'veryfast'],
  h265: ['-preset', 'faster'],
  vp9: ['-deadline', 'good', '-cpu-used', '4'],
  av1: ['-preset', '8'],
} as const satisfies Record<VideoCodec, readonly string[]>;

/**
 * Wall-clock seconds an encode may take per second of output, for the
 * time limit of one ffmpeg run: generous for up to 4K on a few cores with
 * the speeds above, tight enough that a stuck run does not hold a worker
 * for hours. AV1 and HEVC are the slow ones.
 */
export const ENCODE_SECONDS_PER_SECOND: Record<VideoCodec, number> = {
  h264: 4,
  vp9: 8,
  h265: 10,
  av1: 12,
};

/** The codec when the options name none (docs/task-kinds.md): VP9 for WebM, H.264 elsewhere. */
export function defaultVideoCodec(format: VideoFormat): VideoCodec {
  return format === 'webm' ? 'vp9' : 'h264';
}

/** SVT-AV1 refuses frames narrower or shorter than this. */
export const AV1_MIN_DIMENSION = 64;

/** The encoder, its speed and its constant-quality setting. */
export function videoCodecArgs(codec: VideoCodec, format: VideoFormat, crf: number): string[] {
  const q = String(crf);
  switch (codec) {
    case 'h264':
      return ['-c:v', 'libx264', ...ENCODER_SPEED.h264, '-crf', q];
    case 'h265':
      return [
        '-c:v',
        'libx265',
        ...ENCODER_SPEED.h265,
        '-crf',
        q,
        // x265 prints its own banner and statistics to stderr; keep only its errors.
        '-x265-params',
        'log-level=error',
        // Apple's players only play HEVC in MP4/QuickTime tagged hvc1 (ffmpeg's default is hev1).
        ...(format === 'mp4' || format === 'mov' ? ['-tag:v', 'hvc1'] : []),
      ];
    case 'vp9':
      // -b:v 0 makes -crf constant quality; with a bitrate it would be a cap.
      return ['-c:v', 'libvpx-vp9', '-crf', q, '-b:v', '0', ...ENCODER_SPEED.vp9, '-row-mt', '1'];
    case 'av1':
      return ['-c:v', 'libsvtav1', ...ENCODER_SPEED.av1, '-crf', q];
  }
}
