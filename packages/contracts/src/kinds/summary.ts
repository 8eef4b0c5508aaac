import { z } from 'zod';
import { int, language } from './common';
import { defineKind } from './define-kind';
import { SPEECH_SECONDS_PER_SECOND, transcriptionSeconds } from './speech';
import { INPUT_TRANSFER_SECONDS, type TimeBudget } from './time-budget';

export const SummaryOptionsSchema = z.strictObject({
  max_words: int(10, 400).optional().meta({ default: 60 }),
  style: z.enum(['paragraph', 'bullets']).optional().meta({ default: 'paragraph' }),
  language: language().optional(),
});

/**
 * Fetching the input, and one completion of the `openai` provider
 * (MEDIAFLOW_SUMMARY_TIMEOUT_MS, 120 s by default); the `local` summariser
 * takes milliseconds.
 */
const SUMMARY_FLOOR_SECONDS = INPUT_TRANSFER_SECONDS + 120;

/** Video and audio are transcribed first (speech.ts); an image or a track is read at once. */
export const summaryTimeBudget: TimeBudget<z.output<typeof SummaryOptionsSchema>> = {
  floorSeconds: SUMMARY_FLOOR_SECONDS,
  mediaSeconds: (_options, input) =>
    input.kind === 'video' || input.kind === 'audio' ? transcriptionSeconds(input) : 0,
  summary: `${SUMMARY_FLOOR_SECONDS} s, plus ${SPEECH_SECONDS_PER_SECOND} s per second of video or audio (it transcribes it)`,
};

export const summaryKind = defineKind({
  kind: 'summary',
  summary: 'A short text summary of what the media says or shows.',
  accepts: ['video', 'audio', 'image', 'track'],
  output: 'data',
  worker: 'summary',
  options: SummaryOptionsSchema,
  timeBudget: summaryTimeBudget,
});
