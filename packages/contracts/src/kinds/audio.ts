import { z } from 'zod';
import { checkTrim, filename, int, seconds } from './common';
import { defineKind } from './define-kind';
import {
  INPUT_TRANSFER_SECONDS,
  TOOL_START_SECONDS,
  knownDuration,
  trimmedSeconds,
  type TimeBudget,
} from './time-budget';

export const AUDIO_FORMATS = ['mp3', 'aac', 'm4a', 'opus', 'ogg', 'wav', 'flac'] as const;

export const AudioOptionsSchema = z
  .strictObject({
    format: z.enum(AUDIO_FORMATS).optional().meta({ default: 'mp3' }),
    bitrate: int(32, 320).optional().describe('kbit/s'),
    channels: z.literal([1, 2]).optional(),
    sample_rate: int(8000, 48000).optional().describe('Hz'),
    normalize: z.boolean().optional().describe('`true` applies EBU R128 loudness normalisation'),
    start: seconds().optional(),
    end: seconds().optional(),
    filename: filename().optional(),
  })
  .superRefine(checkTrim);

/**
 * Seconds of work per second of sound (after the trim). Measured on the
 * 2-core CI machine while other builds kept it busy (load average 5–15):
 * 600 s of stereo WAV to MP3 in 4.4 s (0.007 s/s), the sound of a 1080p
 * video in 0.02 s/s; reading the sound out of a 4K video (45 Mbit/s) from a
 * disk giving 100 MB/s takes 0.056 s/s, which 0.08 covers. `normalize`
 * runs loudnorm twice: the measuring pass took 0.035 s/s and the applying
 * one 0.139 s/s (it filters at 192 kHz), 0.17 s/s together; 0.4 is over
 * twice that.
 */
export const AUDIO_SECONDS_PER_SECOND = { plain: 0.08, normalize: 0.4 } as const;

export const audioTimeBudget: TimeBudget<z.output<typeof AudioOptionsSchema>> = {
  floorSeconds: INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS,
  mediaSeconds(options, input) {
    const duration = knownDuration(input);
    if (duration === null) return null;
    const perSecond = AUDIO_SECONDS_PER_SECOND[options.normalize ? 'normalize' : 'plain'];
    return trimmedSeconds(duration, options) * perSecond;
  },
  summary: `${INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS} s, plus ${AUDIO_SECONDS_PER_SECOND.plain} s per second of sound (after the trim), ${AUDIO_SECONDS_PER_SECOND.normalize} s with \`normalize\``,
};

export const audioKind = defineKind({
  kind: 'audio',
  summary: 'Extract or convert audio: format, bitrate, channels, sample rate, loudness, trim.',
  accepts: ['video', 'audio'],
  output: 'audio',
  worker: 'video',
  options: AudioOptionsSchema,
  timeBudget: audioTimeBudget,
});
