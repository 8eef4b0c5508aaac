import { z } from 'zod';
import { int, language } from './common';
import { defineKind } from './define-kind';

export const SummaryOptionsSchema = z.strictObject({
  max_words: int(10, 400).optional().meta({ default: 60 }),
  style: z.enum(['paragraph', 'bullets']).optional().meta({ default: 'paragraph' }),
  language: language().optional(),
});

export const summaryKind = defineKind({
  kind: 'summary',
  summary: 'A short text summary of what the media says or shows.',
  accepts: ['video', 'audio', 'image', 'track'],
  output: 'data',
  worker: 'summary',
  options: SummaryOptionsSchema,
});
