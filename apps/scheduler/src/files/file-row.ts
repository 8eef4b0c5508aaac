import type { FileKind } from '@mediaflow/contracts';

/** A row of `scheduler.files`, as `SELECT *` returns it. */
export interface FileRow {
  id: string;
  project_id: string;
  task_id: string | null;
  ref: string | null;
  kind: FileKind;
  mimetype: string;
  format: string | null;
  filename: string;
  width: number | null;
  height: number | null;
  duration: number | null;
  fps: number | null;
  /** A bigint column: node-postgres gives it as a string. */
  filesize: string | number;
  has_audio: boolean;
  has_video: boolean;
  language: string | null;
  storage_key: string;
  created_at: Date;
  deleted_at: Date | null;
}
