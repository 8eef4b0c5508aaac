import { z } from 'zod';
import { checkTrim, filename, int, seconds } from './common';
import { defineKind } from './define-kind';

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

export const audioKind = defineKind({
  kind: 'audio',
  summary: 'Extract or convert audio: format, bitrate, channels, sample rate, loudness, trim.',
  accepts: ['video', 'audio'],
  output: 'audio',
  worker: 'video',
  options: AudioOptionsSchema,
});
