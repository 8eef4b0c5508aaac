import { defaultVideoCodec, videoCodecArgs } from './video-codec-args';

describe('video codec arguments', () => {
  it.each([
    ['h264', 'mp4', 21, ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21']],
    ['h264', 'mkv', 28, ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28']],
    [
      'h265',
      'mp4',
      25,
      [
        '-c:v',
        'libx265',
        '-preset',
        'faster',
        '-crf',
        '25',
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
      ],
    ],
    [
      'h265',
      'mov',
      22,
      [
        '-c:v',
        'libx265',
        '-preset',
        'faster',
        '-crf',
        '22',
        '-x265-params',
        'log-level=error',
        '-tag:v',
        'hvc1',
      ],
    ],
    [
      'h265',
      'mkv',
      25,
      ['-c:v', 'libx265', '-preset', 'faster', '-crf', '25', '-x265-params', 'log-level=error'],
    ],
    [
      'vp9',
      'webm',
      27,
      [
        '-c:v',
        'libvpx-vp9',
        '-crf',
        '27',
        '-b:v',
        '0',
        '-deadline',
        'good',
        '-cpu-used',
        '4',
        '-row-mt',
        '1',
      ],
    ],
    ['av1', 'webm', 29, ['-c:v', 'libsvtav1', '-preset', '8', '-crf', '29']],
    ['av1', 'mp4', 41, ['-c:v', 'libsvtav1', '-preset', '8', '-crf', '41']],
  ] as const)('%s in %s at CRF %i', (codec, format, crf, expected) => {
    expect(videoCodecArgs(codec, format, crf)).toEqual(expected);
  });

  it.each([
    ['mp4', 'h264'],
    ['mov', 'h264'],
    ['mkv', 'h264'],
    ['webm', 'vp9'],
  ] as const)('defaults %s to %s', (format, codec) => {
    expect(defaultVideoCodec(format)).toBe(codec);
  });
});
