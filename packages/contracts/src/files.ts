import { z } from 'zod';
import { FILE_KINDS } from './kinds/common';
import { idSchema } from './ids';
import { PageQuerySchema, listSchema } from './pagination';

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

/** The file object of API.md. `url` is signed and expires. */
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

export const FileListSchema = listSchema(FileObjectSchema).meta({ id: 'FileList' });
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
