import type { FileProperties, StoredFile } from '@mediaflow/contracts';
import { toUnixSeconds } from '@mediaflow/database';
import type { StepFile } from '@mediaflow/workflow';
import type { FileRow } from './file-row';

/** The record services pass around (never to clients: the gateway signs it into a file object). */
export function toStoredFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    project_id: row.project_id,
    kind: row.kind,
    mimetype: row.mimetype,
    format: row.format,
    filename: row.filename,
    ref: row.ref,
    width: row.width,
    height: row.height,
    duration: row.duration,
    fps: row.fps,
    filesize: Number(row.filesize),
    has_audio: row.has_audio,
    has_video: row.has_video,
    language: row.language,
    task_id: row.task_id,
    storage_key: row.storage_key,
    created_at: toUnixSeconds(row.created_at),
  };
}

/** What `conditions` test (docs/http-api.md, Workflows); the engine derives `orientation` from the size. */
export function fileProperties(row: FileRow): FileProperties {
  const properties: FileProperties = {
    kind: row.kind,
    mimetype: row.mimetype,
    filesize: Number(row.filesize),
    has_audio: row.has_audio,
    has_video: row.has_video,
  };
  if (row.format !== null) properties.format = row.format;
  if (row.width !== null) properties.width = row.width;
  if (row.height !== null) properties.height = row.height;
  if (row.duration !== null) properties.duration = row.duration;
  if (row.fps !== null) properties.fps = row.fps;
  return properties;
}

export function toStepFile(row: FileRow): StepFile {
  return { id: row.id, properties: fileProperties(row), filename: row.filename };
}
