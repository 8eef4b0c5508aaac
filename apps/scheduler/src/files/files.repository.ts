import type { FileListQuery, ProducedFile } from '@mediaflow/contracts';
import type { Sql } from '../database/sql';
import type { FileRow } from './file-row';

/** A file a task made, to record: the worker's record plus who made it. */
export interface NewFile extends ProducedFile {
  project_id: string;
  task_id: string;
  ref: string | null;
}

/** `scheduler.files`. A deleted file keeps its row (with deleted_at) so tasks that made or used it still make sense. */
export class FilesRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Records files once: the worker's id is the key, so a redelivered result
   * adds nothing. Answers the rows it added.
   */
  async insert(files: readonly NewFile[]): Promise<FileRow[]> {
    const added: FileRow[] = [];
    for (const file of files) {
      const rows = await this.sql.rows<FileRow>(
        `INSERT INTO scheduler.files
           (id, project_id, task_id, ref, kind, mimetype, format, filename, width, height, duration, fps, filesize,
            has_audio, has_video, language, storage_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (id) DO NOTHING
         RETURNING *`,
        [
          file.id,
          file.project_id,
          file.task_id,
          file.ref,
          file.kind,
          file.mimetype,
          file.format,
          file.filename,
          file.width,
          file.height,
          file.duration,
          file.fps,
          file.filesize,
          file.has_audio,
          file.has_video,
          file.language,
          file.storage_key,
        ],
      );
      added.push(...rows);
    }
    return added;
  }

  /** Files by id and the files these tasks made, deleted ones included. */
  ofTasks(taskIds: readonly string[], fileIds: readonly string[]): Promise<FileRow[]> {
    return this.sql.rows<FileRow>(
      'SELECT * FROM scheduler.files WHERE task_id = ANY($1::text[]) OR id = ANY($2::text[])',
      [[...taskIds], [...fileIds]],
    );
  }

  /** Which of these file ids and storage keys recorded files have. */
  async recordedKeys(ids: readonly string[], keys: readonly string[]): Promise<Set<string>> {
    const rows = await this.sql.rows<{ id: string; storage_key: string }>(
      'SELECT id, storage_key FROM scheduler.files WHERE id = ANY($1::text[]) OR storage_key = ANY($2::text[])',
      [[...ids], [...keys]],
    );
    return new Set(rows.flatMap((row) => [row.id, row.storage_key]));
  }

  byIds(ids: readonly string[]): Promise<FileRow[]> {
    return this.sql.rows<FileRow>('SELECT * FROM scheduler.files WHERE id = ANY($1::text[])', [
      [...ids],
    ]);
  }

  findInProject(projectId: string, id: string): Promise<FileRow | undefined> {
    return this.sql.first<FileRow>(
      'SELECT * FROM scheduler.files WHERE id = $1 AND project_id = $2 AND deleted_at IS NULL',
      [id, projectId],
    );
  }

  async list(projectId: string, query: FileListQuery): Promise<{ rows: FileRow[]; total: number }> {
    const params: unknown[] = [projectId];
    let filter = 'project_id = $1 AND deleted_at IS NULL';
    if (query.kind) {
      params.push(query.kind);
      filter += ` AND kind = $${params.length}`;
    }
    return this.sql.page<FileRow>('scheduler.files', filter, params, query);
  }

  /** The file as this call deleted it; undefined when it was not there (or another call deleted it first). */
  markDeleted(projectId: string, id: string): Promise<FileRow | undefined> {
    return this.sql.first<FileRow>(
      `UPDATE scheduler.files SET deleted_at = now()
       WHERE id = $1 AND project_id = $2 AND deleted_at IS NULL RETURNING *`,
      [id, projectId],
    );
  }
}
