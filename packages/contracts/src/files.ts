import { z } from 'zod';
import { FILE_KINDS } from './kinds/common';
import { idSchema } from './ids';
import { PageQuerySchema, listSchema } from './pagination';
import { httpUrl, storableText } from './text';

/** Probed media properties of a file: what `conditions` test and what players need. */
export const MediaPropertiesSchema = z.object({
  kind: z.enum(FILE_KINDS),
  mimetype: z.string(),
  format: z.string().nullable().describe('Container or image format, e.g. `mp4`, `jpeg`, `vtt`'),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  duration: z.number().nullable().describe('Seconds'),
  fps: z.number().nullable(),
  filesize: z.number().int(),
  has_audio: z.boolean(),
  has_video: z.boolean(),
  language: z.string().nullable(),
});
export type MediaProperties = z.infer<typeof MediaPropertiesSchema>;

/** The file object of docs/http-api.md. `url` is signed and expires. */
export const FileObjectSchema = MediaPropertiesSchema.extend({
  id: idSchema('file'),
  object: z.literal('file'),
  filename: z.string(),
  ref: z.string().nullable(),
  url: z.string().describe('Signed download URL; works without a key until it expires'),
  task_id: z.string().nullable(),
  created_at: z.number().int(),
}).meta({ id: 'File' });
export type FileObject = z.infer<typeof FileObjectSchema>;

const TRIGGERED_RUNS_DESCRIPTION =
  'The runs this file started when `POST /files` stored it: one per active automation whose `trigger` it met. Empty for a file a run made, or one that met no trigger';
const triggeredRuns = () => z.array(idSchema('task')).describe(TRIGGERED_RUNS_DESCRIPTION);

/**
 * A file as the `/files` routes answer it: the file object and the runs its
 * arrival started (files inside a task do not carry them).
 */
export const FileWithTriggeredRunsSchema = FileObjectSchema.extend({
  triggered_runs: triggeredRuns(),
}).meta({ id: 'FileWithTriggeredRuns' });
export type FileWithTriggeredRuns = z.infer<typeof FileWithTriggeredRunsSchema>;

export const FileListSchema = listSchema(FileWithTriggeredRunsSchema).meta({ id: 'FileList' });
export const FileListQuerySchema = PageQuerySchema.extend({ kind: z.enum(FILE_KINDS).optional() });
export type FileListQuery = z.output<typeof FileListQuerySchema>;

export const DeletedFileSchema = z
  .object({ id: idSchema('file'), object: z.literal('file'), deleted: z.literal(true) })
  .meta({ id: 'DeletedFile' });

/**
 * A file as the services pass it around (never to clients): the record,
 * plus where its bytes are in storage.
 */
export const StoredFileSchema = MediaPropertiesSchema.extend({
  id: idSchema('file'),
  project_id: idSchema('prj'),
  filename: z.string(),
  ref: z.string().nullable(),
  task_id: z.string().nullable(),
  storage_key: z.string(),
  created_at: z.number().int(),
});
export type StoredFile = z.infer<typeof StoredFileSchema>;

/** A stored file with the runs it triggered: what the scheduler answers for `/files`. */
export const StoredFileWithRunsSchema = StoredFileSchema.extend({
  triggered_runs: triggeredRuns(),
});
export type StoredFileWithRuns = z.infer<typeof StoredFileWithRunsSchema>;

/**
 * `POST /files` with a JSON body: a URL to fetch and store as a file (the
 * same safe download as a run's source), optionally under another name.
 * Strict: an unknown field is a 400.
 */
export const IngestFileBodySchema = z
  .strictObject({
    url: httpUrl(),
    filename: storableText()
      .min(1)
      .max(255)
      .optional()
      .describe(
        "The stored file's name; by default the server's (Content-Disposition) or the URL's",
      ),
  })
  .meta({ id: 'IngestFile' });
export type IngestFileBody = z.infer<typeof IngestFileBodySchema>;

/**
 * What a standalone `ingest` stores: a URL to download, or an upload the
 * gateway has staged in storage (its key; the scheduler deletes it once the
 * ingest has ended).
 */
export const IngestSourceSchema = z.union([
  z.strictObject({ url: httpUrl() }),
  z.strictObject({ staged_key: z.string().min(1).max(1024) }),
]);
export type IngestSource = z.infer<typeof IngestSourceSchema>;

/** `POST /files` with the file's bytes (multipart or raw): the query string. */
export const UploadQuerySchema = z.object({
  filename: storableText()
    .min(1)
    .max(255)
    .optional()
    .describe(
      "Uploads: the name to store the file under; by default the multipart part's, the Content-Disposition's, or `upload`",
    ),
});
export type UploadQuery = z.output<typeof UploadQuerySchema>;
