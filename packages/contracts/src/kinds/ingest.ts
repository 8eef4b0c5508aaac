import { z } from 'zod';
import { defineKind } from './define-kind';

export const IngestOptionsSchema = z.strictObject({});

export const ingestKind = defineKind({
  kind: 'ingest',
  summary:
    'Download a URL (or take an upload to `POST /files`), probe it and store it as a file: the source of a run, or the file itself.',
  accepts: [],
  output: 'source',
  worker: 'video',
  options: IngestOptionsSchema,
  // Its input is a download of unknown length: MEDIAFLOW_DOWNLOAD_TIMEOUT_MS bounds it, and the worker's own limit the rest.
  timeBudget: null,
  internal: true,
});
