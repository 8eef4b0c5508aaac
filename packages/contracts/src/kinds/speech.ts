import { z } from 'zod';
import { language } from './common';
import { defineKind } from './define-kind';

export const SpeechOptionsSchema = z.strictObject({
  language: language().optional().meta({ default: 'en' }),
});

export const speechKind = defineKind({
  kind: 'speech',
  summary: 'A transcript with word timings.',
  accepts: ['video', 'audio'],
  output: 'data',
  worker: 'subtitles',
  options: SpeechOptionsSchema,
});
