import { z } from 'zod';
import { filename, int, language } from './common';
import { defineKind } from './define-kind';
import { SPEECH_FLOOR_SECONDS, SPEECH_SECONDS_PER_SECOND, transcriptionSeconds } from './speech';
import type { TimeBudget } from './time-budget';

export const SubtitlesOptionsSchema = z.strictObject({
  language: language().optional().meta({ default: 'en' }),
  format: z.enum(['vtt', 'srt']).optional().meta({ default: 'vtt' }),
  max_line_length: int(20, 80).optional().meta({ default: 42 }),
  max_lines: int(1, 3).optional().meta({ default: 2 }),
  filename: filename().optional(),
});

/** A transcription (speech.ts); laying the captions out takes milliseconds. */
export const subtitlesTimeBudget: TimeBudget<z.output<typeof SubtitlesOptionsSchema>> = {
  floorSeconds: SPEECH_FLOOR_SECONDS,
  mediaSeconds: (_options, input) => transcriptionSeconds(input),
  summary: `${SPEECH_FLOOR_SECONDS} s, plus ${SPEECH_SECONDS_PER_SECOND} s per second of media (it transcribes it)`,
};

export const subtitlesKind = defineKind({
  kind: 'subtitles',
  summary: 'Captions (WebVTT or SRT) laid out from the transcript.',
  accepts: ['video', 'audio'],
  output: 'track',
  worker: 'subtitles',
  options: SubtitlesOptionsSchema,
  timeBudget: subtitlesTimeBudget,
});
