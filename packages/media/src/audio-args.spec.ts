import { MEDIA_INPUT_OPTIONS } from './file-input-args';
import { audioArgs, supportedSampleRate, vorbisQuality, type AudioOptions } from './audio-args';
import type { LoudnessMeasurement } from './loudnorm-args';

const input = [...MEDIA_INPUT_OPTIONS, '-i', 'file:/w/in'];
const first = ['-map', '0:a:0', '-vn'];
const out = (ext: string) => ['-y', `file:/w/out.${ext}`];
const measured: LoudnessMeasurement = {
  inputI: -27.5,
  inputTp: -10.25,
  inputLra: 6.1,
  inputThresh: -38,
  targetOffset: 0.3,
};
const loudnorm =
  'loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-27.5:measured_TP=-10.25:measured_LRA=6.1:measured_thresh=-38:offset=0.3:linear=true';

describe('audio arguments', () => {
  it.each<[string, AudioOptions, LoudnessMeasurement | undefined, string[]]>([
    [
      'defaults: MP3 at 192 kbit/s',
      {},
      undefined,
      [...input, ...first, '-c:a', 'libmp3lame', '-b:a', '192k', '-f', 'mp3', ...out('mp3')],
    ],
    [
      'MP3 mono at 96 kbit/s, 22.05 kHz',
      { bitrate: 96, channels: 1, sample_rate: 22050 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'libmp3lame',
        '-b:a',
        '96k',
        '-ac',
        '1',
        '-ar',
        '22050',
        '-f',
        'mp3',
        ...out('mp3'),
      ],
    ],
    [
      'MP3 at a rate LAME lacks: the nearest it has',
      { sample_rate: 40000 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'libmp3lame',
        '-b:a',
        '192k',
        '-ar',
        '44100',
        '-f',
        'mp3',
        ...out('mp3'),
      ],
    ],
    [
      'AAC in ADTS',
      { format: 'aac' },
      undefined,
      [...input, ...first, '-c:a', 'aac', '-b:a', '160k', '-f', 'adts', ...out('aac')],
    ],
    [
      'M4A: AAC in MP4 with the index first',
      { format: 'm4a', bitrate: 256 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'aac',
        '-b:a',
        '256k',
        '-movflags',
        '+faststart',
        '-f',
        'ipod',
        ...out('m4a'),
      ],
    ],
    [
      'Opus at 44.1 kHz: resampled to 48 kHz',
      { format: 'opus', sample_rate: 44100 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'libopus',
        '-b:a',
        '128k',
        '-ar',
        '48000',
        '-f',
        'opus',
        ...out('opus'),
      ],
    ],
    [
      'Opus at 320 kbit/s, channels unknown: at most what mono takes',
      { format: 'opus', bitrate: 320 },
      undefined,
      [...input, ...first, '-c:a', 'libopus', '-b:a', '256k', '-f', 'opus', ...out('opus')],
    ],
    [
      'Opus stereo at 320 kbit/s',
      { format: 'opus', bitrate: 320, channels: 2, sample_rate: 10000 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'libopus',
        '-b:a',
        '320k',
        '-ac',
        '2',
        '-ar',
        '12000',
        '-f',
        'opus',
        ...out('opus'),
      ],
    ],
    [
      'Ogg Vorbis: the VBR quality nearest the bitrate',
      { format: 'ogg', bitrate: 96 },
      undefined,
      [...input, ...first, '-c:a', 'libvorbis', '-q:a', '2', '-f', 'ogg', ...out('ogg')],
    ],
    [
      'Ogg Vorbis by default',
      { format: 'ogg', sample_rate: 40000 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'libvorbis',
        '-q:a',
        '5',
        '-ar',
        '40000',
        '-f',
        'ogg',
        ...out('ogg'),
      ],
    ],
    [
      'WAV: 16-bit PCM, no bitrate even when asked',
      { format: 'wav', bitrate: 128, channels: 1, sample_rate: 16000 },
      undefined,
      [
        ...input,
        ...first,
        '-c:a',
        'pcm_s16le',
        '-ac',
        '1',
        '-ar',
        '16000',
        '-f',
        'wav',
        ...out('wav'),
      ],
    ],
    [
      'FLAC',
      { format: 'flac' },
      undefined,
      [...input, ...first, '-c:a', 'flac', '-f', 'flac', ...out('flac')],
    ],
    [
      'trimmed',
      { start: 0.5, end: 2 },
      undefined,
      [
        '-ss',
        '0.5',
        '-t',
        '1.5',
        ...input,
        ...first,
        '-c:a',
        'libmp3lame',
        '-b:a',
        '192k',
        '-f',
        'mp3',
        ...out('mp3'),
      ],
    ],
    [
      'normalised: loudnorm with the measurement, back to 48 kHz',
      { normalize: true },
      measured,
      [
        ...input,
        ...first,
        '-af',
        loudnorm,
        '-c:a',
        'libmp3lame',
        '-b:a',
        '192k',
        '-ar',
        '48000',
        '-f',
        'mp3',
        ...out('mp3'),
      ],
    ],
    [
      'normalised at an asked rate',
      { normalize: true, format: 'flac', sample_rate: 44100 },
      measured,
      [
        ...input,
        ...first,
        '-af',
        loudnorm,
        '-c:a',
        'flac',
        '-ar',
        '44100',
        '-f',
        'flac',
        ...out('flac'),
      ],
    ],
  ])('%s', (_name, options, loudness, expected) => {
    expect(audioArgs('/w/in', `/w/out.${options.format ?? 'mp3'}`, options, loudness)).toEqual(
      expected,
    );
  });

  it.each([
    ['opus', 8000, 8000],
    ['opus', 10000, 12000],
    ['opus', 11025, 12000],
    ['opus', 22050, 24000],
    ['opus', 32000, 24000],
    ['opus', 36000, 48000],
    ['opus', 44100, 48000],
    ['mp3', 47000, 48000],
    ['aac', 9000, 8000],
    ['ogg', 9000, 9000],
    ['wav', 12345, 12345],
    ['flac', 40000, 40000],
  ] as const)('%s at %i Hz is coded at %i Hz', (format, asked, used) => {
    expect(supportedSampleRate(format, asked)).toBe(used);
  });

  it.each([
    [32, -1],
    [64, 0],
    [100, 2],
    [128, 4],
    [192, 6],
    [320, 9],
  ])('Vorbis at %i kbit/s is quality %i', (kbps, quality) => {
    expect(vorbisQuality(kbps)).toBe(quality);
  });
});
