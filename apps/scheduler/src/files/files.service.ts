import {
  FileListQuerySchema,
  ID_PREFIX,
  MediaflowError,
  idSchema,
  notFound,
  toList,
  type IngestSource,
  type List,
  type StoredFileWithRuns,
  type TaskRecord,
} from '@mediaflow/contracts';
import type { Storage } from '@mediaflow/storage';
import { zodIssuesToDetails } from '@mediaflow/workflow';
import { Inject, Injectable } from '@nestjs/common';
import { SchedulerStore, type Repositories } from '../database/scheduler-store';
import type { CreationLimits } from '../runs/run-plan';
import { RunsService } from '../runs/runs.service';
import { STORAGE } from '../scheduler-tokens';
import type { FileRow } from './file-row';
import { fileEvent } from './file-events';
import { toStoredFile } from './stored-file';
import { isUploadKeyOf } from './upload-keys';

const fileId = idSchema(ID_PREFIX.file);

export interface DeletedFile {
  id: string;
  object: 'file';
  deleted: true;
}

/**
 * Files the project's tasks made, each with the runs it triggered when it
 * was stored. Another project's file is answered exactly like a missing one.
 */
@Injectable()
export class FilesService {
  constructor(
    private readonly store: SchedulerStore,
    private readonly runs: RunsService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  /**
   * A file from a URL or a staged upload, by a standalone `ingest` task. A
   * staged upload must be one of the project's upload keys: the scheduler
   * deletes it once the ingest ends, so it must never name anything else.
   */
  ingest(
    projectId: string,
    source: IngestSource,
    filename: string | null,
    { idempotencyKey, runsInFlightLimit }: CreationLimits = {},
  ): Promise<TaskRecord> {
    if ('staged_key' in source && !isUploadKeyOf(projectId, source.staged_key)) {
      throw new MediaflowError(
        'validation_failed',
        "The staged upload is not one of this project's upload keys",
        [{ path: 'source.staged_key', message: 'must be an upload key of the project' }],
      );
    }
    return this.runs.createIngest({
      projectId,
      source,
      filename,
      idempotencyKey,
      runsInFlightLimit,
    });
  }

  async get(projectId: string, id: string): Promise<StoredFileWithRuns> {
    if (!fileId.safeParse(id).success) throw notFound('file', id);
    return this.store.autocommit(async (repos) => {
      const row = await repos.files.findInProject(projectId, id);
      if (!row) throw notFound('file', id);
      const [file] = await withTriggeredRuns(repos, [row]);
      return file!;
    });
  }

  async list(
    projectId: string,
    rawQuery: Record<string, unknown>,
  ): Promise<List<StoredFileWithRuns>> {
    const parsed = FileListQuerySchema.safeParse(rawQuery);
    if (!parsed.success) {
      throw new MediaflowError(
        'validation_failed',
        'The list query is invalid',
        zodIssuesToDetails(parsed.error.issues),
      );
    }
    const { files, total } = await this.store.autocommit(async (repos) => {
      const page = await repos.files.list(projectId, parsed.data);
      return { files: await withTriggeredRuns(repos, page.rows), total: page.total };
    });
    return toList(files, parsed.data, total);
  }

  /**
   * The bytes first, then the record: if deleting the bytes fails the file
   * is still there to delete again, and deleting them twice is harmless.
   */
  async delete(projectId: string, id: string): Promise<DeletedFile> {
    const file = await this.get(projectId, id);
    await this.storage.delete(file.storage_key);
    const deleted = await this.store.transaction(async (repos) => {
      const row = await repos.files.markDeleted(projectId, id);
      // With its event: both or neither.
      if (row) await repos.events.keep([fileEvent('file.deleted', row)]);
      return row;
    });
    if (!deleted) throw notFound('file', id);
    return { id, object: 'file', deleted: true };
  }
}

/** The files with the runs each started when `POST /files` stored it (none for a run's output). */
async function withTriggeredRuns(
  repos: Repositories,
  rows: readonly FileRow[],
): Promise<StoredFileWithRuns[]> {
  const runs = await repos.tasks.triggeredRuns(rows.map((row) => row.id));
  return rows.map((row) => ({ ...toStoredFile(row), triggered_runs: runs.get(row.id) ?? [] }));
}
