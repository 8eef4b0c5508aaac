import { z } from 'zod';
import { filename, int, language } from './common';
import { defineKind } from './define-kind';

export const SubtitlesOptionsSchema = z.strictObject({
  language: language().optional().meta({ default: 'en' }),
  format: z.enum(['vtt', 'srt']).optional().meta({ default: 'vtt' }),
  max_line_length: int(20, 80).optional().meta({ default: 42 }),
  max_lines: int(1, 3).optional().meta({ default: 2 }),
  filename: filename().optional(),
});

export const subtitlesKind = defineKind({
  kind: 'subtitles',
  summary: 'Captions (WebVTT or SRT) laid out from the transcript.',
  accepts: ['video', 'audio'],
  output: 'track',
  worker: 'subtitles',
  options: SubtitlesOptionsSchema,
});
