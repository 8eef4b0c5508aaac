import { MEDIA_INPUT_OPTIONS } from './file-input-args';
import { videoTranscodeArgs, type VideoTranscodeOptions } from './video-transcode-args';

const landscape = { width: 640, height: 360, has_audio: true };
const silentPortrait = { width: 360, height: 640, has_audio: false };
const input = [...MEDIA_INPUT_OPTIONS, '-i', 'file:/w/in'];
const maps = ['-map', '0:V:0', '-map', '0:a:0?'];
const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p'];
const aac = ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'];
const opus = ['-c:a', 'libopus', '-b:a', '96k', '-ac', '2'];
const mp4 = ['-movflags', '+faststart', '-f', 'mp4', '-y', 'file:/w/out.mp4'];

describe('video transcode arguments', () => {
  it.each<[string, VideoTranscodeOptions, typeof landscape, string[]]>([
    [
      'defaults: H.264 + AAC in a fast-start MP4, quality high, the size as it is',
      {},
      landscape,
      [...input, ...maps, ...x264, ...aac, ...mp4],
    ],
    [
      'a width: scaled with square pixels',
      { width: 320 },
      landscape,
      [...input, ...maps, '-vf', 'scale=320:180,setsar=1', ...x264, ...aac, ...mp4],
    ],
    [
      'cover: scaled and cropped to the box',
      { width: 320, height: 320, fit: 'cover' },
      landscape,
      [...input, ...maps, '-vf', 'scale=569:320,setsar=1,crop=320:320', ...x264, ...aac, ...mp4],
    ],
    [
      'fill: stretched, upscaling allowed',
      { width: 720, height: 400, fit: 'fill' },
      landscape,
      [...input, ...maps, '-vf', 'scale=720:400,setsar=1', ...x264, ...aac, ...mp4],
    ],
    [
      'fps before the scale, so dropped frames are never scaled',
      { fps: 15, height: 180 },
      landscape,
      [...input, ...maps, '-vf', 'fps=15,scale=320:180,setsar=1', ...x264, ...aac, ...mp4],
    ],
    [
      'a fractional fps',
      { fps: 23.976 },
      landscape,
      [...input, ...maps, '-vf', 'fps=23.976', ...x264, ...aac, ...mp4],
    ],
    [
      'trimmed: seek on the input, length on the output',
      { start: 1, end: 2.5 },
      landscape,
      ['-ss', '1', '-t', '1.5', ...input, ...maps, ...x264, ...aac, ...mp4],
    ],
    [
      'audio: false drops the sound',
      { audio: false },
      landscape,
      [...input, '-map', '0:V:0', ...x264, '-an', ...mp4],
    ],
    [
      'no sound in the source: none mapped or encoded',
      { width: 180 },
      silentPortrait,
      [...input, '-map', '0:V:0', '-vf', 'scale=180:320,setsar=1', ...x264, '-an', ...mp4],
    ],
    [
      'WebM: VP9 + Opus by default',
      { format: 'webm' },
      landscape,
      [
        ...input,
        ...maps,
        ...['-c:v', 'libvpx-vp9', '-crf', '27', '-b:v', '0', '-deadline', 'good', '-cpu-used', '4'],
        ...['-row-mt', '1', '-pix_fmt', 'yuv420p'],
        ...opus,
        ...['-f', 'webm', '-y', 'file:/w/out.webm'],
      ],
    ],
    [
      'WebM AV1 at a numeric quality',
      { format: 'webm', codec: 'av1', quality: 40 },
      landscape,
      [
        ...input,
        ...maps,
        ...['-c:v', 'libsvtav1', '-preset', '8', '-crf', '41', '-pix_fmt', 'yuv420p'],
        ...opus,
        ...['-f', 'webm', '-y', 'file:/w/out.webm'],
      ],
    ],
    [
      'HEVC in MOV: tagged hvc1, fast start',
      { format: 'mov', codec: 'h265', quality: 'very_high' },
      landscape,
      [
        ...input,
        ...maps,
        ...[
          '-c:v',
          'libx265',
          '-preset',
          'faster',
          '-crf',
          '22',
          '-x265-params',
          'log-level=error',
        ],
        ...['-tag:v', 'hvc1', '-pix_fmt', 'yuv420p'],
        ...aac,
        ...['-movflags', '+faststart', '-f', 'mov', '-y', 'file:/w/out.mov'],
      ],
    ],
    [
      'MKV at quality low',
      { format: 'mkv', quality: 'low' },
      landscape,
      [
        ...input,
        ...maps,
        ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p'],
        ...aac,
        ...['-f', 'matroska', '-y', 'file:/w/out.mkv'],
      ],
    ],
  ])('%s', (_name, options, source, expected) => {
    const out = `/w/out.${options.format ?? 'mp4'}`;
    expect(videoTranscodeArgs('/w/in', out, options, source)).toEqual(expected);
  });

  it('passes the output file name only as the last argument, and the chosen paths as file: URLs', () => {
    const args = videoTranscodeArgs(
      '/w/in',
      '/w/out.mp4',
      { filename: 'evil -f x.mp4' },
      landscape,
    );
    expect(args.at(-1)).toBe('file:/w/out.mp4');
    expect(args.join(' ')).not.toContain('evil');
  });
});
