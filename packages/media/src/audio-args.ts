import type { AUDIO_FORMATS, TaskOptions } from '@mediaflow/contracts';
import { loudnormFilter, type LoudnessMeasurement } from './loudnorm-args';
import { trimmedInputArgs } from './trim-args';

export type AudioFormat = (typeof AUDIO_FORMATS)[number];
export type AudioOptions = TaskOptions<'audio'>;

interface AudioEncoding {
  codec: string;
  /** The muxer (`-f`). */
  muxer: string;
  /** kbit/s when the options give none; null for the lossless formats, which take no bitrate. */
  defaultBitrate: number | null;
  /** The only sample rates the encoder takes; null: any. */
  sampleRates: readonly number[] | null;
}

const MPEG_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
/**
 * Opus codes at 8, 12, 16, 24 or 48 kHz and nothing else, and libopus
 * refuses any other rate; an Ogg Opus file always decodes at 48 kHz, so
 * asking for a lower rate only narrows the band that is kept.
 */
const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;

/**
 * Per format: the encoder, the muxer and what the encoder accepts. The
 * default bitrates sound transparent to most listeners for music in each
 * codec (Opus needs the least, MP3 the most).
 */
const ENCODINGS: Record<AudioFormat, AudioEncoding> = {
  mp3: { codec: 'libmp3lame', muxer: 'mp3', defaultBitrate: 192, sampleRates: MPEG_RATES },
  // Raw AAC in ADTS frames: the .aac file players and browsers read.
  aac: { codec: 'aac', muxer: 'adts', defaultBitrate: 160, sampleRates: MPEG_RATES },
  // The ipod muxer is MP4 with the `M4A ` brand Apple's software expects of .m4a.
  m4a: { codec: 'aac', muxer: 'ipod', defaultBitrate: 160, sampleRates: MPEG_RATES },
  opus: { codec: 'libopus', muxer: 'opus', defaultBitrate: 128, sampleRates: OPUS_RATES },
  ogg: { codec: 'libvorbis', muxer: 'ogg', defaultBitrate: 160, sampleRates: null },
  wav: { codec: 'pcm_s16le', muxer: 'wav', defaultBitrate: null, sampleRates: null },
  flac: { codec: 'flac', muxer: 'flac', defaultBitrate: null, sampleRates: null },
};

export const AUDIO_EXTENSIONS: Record<AudioFormat, string> = {
  mp3: 'mp3',
  aac: 'aac',
  m4a: 'm4a',
  opus: 'opus',
  ogg: 'ogg',
  wav: 'wav',
  flac: 'flac',
};

/**
 * loudnorm works at 192 kHz and, whenever it falls back to its dynamic
 * mode, outputs that rate: a normalised file is resampled to this unless
 * the options name a rate.
 */
export const NORMALIZED_SAMPLE_RATE = 48000;

/** libopus refuses more than 256 kbit/s per channel. */
const OPUS_MAX_KBPS_PER_CHANNEL = 256;

/**
 * libvorbis's bitrate-managed mode refuses many combinations of bitrate,
 * rate and channels (32 kbit/s stereo at 48 kHz, 320 kbit/s mono, …), so
 * `bitrate` picks the VBR quality whose nominal bitrate (44.1 kHz stereo)
 * is nearest: quality -1..9 ≈ 45..320 kbit/s. Quality mode takes any input.
 */
const VORBIS_QUALITY_KBPS: readonly [quality: number, kbps: number][] = [
  [-1, 45],
  [0, 64],
  [1, 80],
  [2, 96],
  [3, 112],
  [4, 128],
  [5, 160],
  [6, 192],
  [7, 224],
  [8, 256],
  [9, 320],
];

/**
 * The ffmpeg arguments of an `audio` task (docs/task-kinds.md): the input's first
 * audio stream only (`-vn`: no picture, not even cover art), trimmed,
 * normalised when a measurement is given, and encoded as the options ask.
 * The output path is the last argument.
 */
export function audioArgs(
  inputPath: string,
  outputPath: string,
  options: AudioOptions,
  loudness?: LoudnessMeasurement,
): string[] {
  const format = options.format ?? 'mp3';
  const encoding = ENCODINGS[format];
  const asked = options.sample_rate ?? (loudness ? NORMALIZED_SAMPLE_RATE : undefined);
  const sampleRate = asked === undefined ? undefined : supportedSampleRate(format, asked);
  return [
    ...trimmedInputArgs(inputPath, { start: options.start, end: options.end }),
    '-map',
    '0:a:0',
    '-vn',
    ...(loudness ? ['-af', loudnormFilter(loudness)] : []),
    '-c:a',
    encoding.codec,
    ...bitrateArgs(format, options.bitrate, options.channels),
    ...(options.channels !== undefined ? ['-ac', String(options.channels)] : []),
    ...(sampleRate !== undefined ? ['-ar', String(sampleRate)] : []),
    ...(format === 'm4a' ? ['-movflags', '+faststart'] : []),
    '-f',
    encoding.muxer,
    '-y',
    `file:${outputPath}`,
  ];
}

/** The encoder's rate nearest to the one asked (the higher of two as near). */
export function supportedSampleRate(format: AudioFormat, hz: number): number {
  const rates = ENCODINGS[format].sampleRates;
  if (!rates) return hz;
  return rates.reduce((best, rate) =>
    Math.abs(rate - hz) < Math.abs(best - hz) ||
    (Math.abs(rate - hz) === Math.abs(best - hz) && rate > best)
      ? rate
      : best,
  );
}

function bitrateArgs(format: AudioFormat, asked: number | undefined, channels?: 1 | 2): string[] {
  const fallback = ENCODINGS[format].defaultBitrate;
  // WAV and FLAC are lossless: their size follows from the rate and channels alone.
  if (fallback === null) return [];
  const kbps = asked ?? fallback;
  if (format === 'ogg') return ['-q:a', String(vorbisQuality(kbps))];
  if (format === 'opus') {
    // Without `channels` the input may be mono: stay within what one channel takes.
    const max = OPUS_MAX_KBPS_PER_CHANNEL * (channels ?? 1);
    return ['-b:a', `${Math.min(kbps, max)}k`];
  }
  return ['-b:a', `${kbps}k`];
}

export function vorbisQuality(kbps: number): number {
  let best = VORBIS_QUALITY_KBPS[0]!;
  for (const step of VORBIS_QUALITY_KBPS) {
    if (Math.abs(step[1] - kbps) < Math.abs(best[1] - kbps)) best = step;
  }
  return best[0];
}
