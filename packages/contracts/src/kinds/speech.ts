import { z } from 'zod';
import { language } from './common';
import { defineKind } from './define-kind';
import {
  INPUT_TRANSFER_SECONDS,
  TOOL_START_SECONDS,
  knownDuration,
  type BudgetInput,
  type TimeBudget,
} from './time-budget';

export const SpeechOptionsSchema = z.strictObject({
  language: language().optional().meta({ default: 'en' }),
});

/**
 * Seconds of work per second of media transcribed. The `local` recogniser
 * does 3.4 s of audio per CPU second (0.29 s/s, `pnpm bench:understanding`,
 * README); 0.75 is 2.6 times that, for a core shared with another task (the
 * chart gives the subtitles worker one CPU for a speech and a subtitles task)
 * and the extraction of the sound before it (tens of times real time). The
 * `openai` provider is faster than this.
 */
export const SPEECH_SECONDS_PER_SECOND = 0.75;

/** Seconds of work a transcription of `input` adds: its duration at the recogniser's speed. */
export function transcriptionSeconds(input: BudgetInput): number | null {
  const duration = knownDuration(input);
  return duration === null ? null : duration * SPEECH_SECONDS_PER_SECOND;
}

/** Starting the recogniser (one model load a task) and the extraction of the sound. */
export const SPEECH_FLOOR_SECONDS = INPUT_TRANSFER_SECONDS + TOOL_START_SECONDS;

export const speechTimeBudget: TimeBudget<z.output<typeof SpeechOptionsSchema>> = {
  floorSeconds: SPEECH_FLOOR_SECONDS,
  mediaSeconds: (_options, input) => transcriptionSeconds(input),
  summary: `${SPEECH_FLOOR_SECONDS} s, plus ${SPEECH_SECONDS_PER_SECOND} s per second of media`,
};

export const speechKind = defineKind({
  kind: 'speech',
  summary: 'A transcript with word timings.',
  accepts: ['video', 'audio'],
  output: 'data',
  worker: 'subtitles',
  options: SpeechOptionsSchema,
  timeBudget: speechTimeBudget,
});
