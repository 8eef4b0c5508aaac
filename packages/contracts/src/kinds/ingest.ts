import { z } from 'zod';
import { defineKind } from './define-kind';

export const IngestOptionsSchema = z.strictObject({});

export const ingestKind = defineKind({
  kind: 'ingest',
  summary: 'Download a URL, probe it and store it as the source file of a run.',
  accepts: [],
  output: 'source',
  worker: 'video',
  options: IngestOptionsSchema,
  internal: true,
});
