import {
  FileListQuerySchema,
  ID_PREFIX,
  MediaflowError,
  idSchema,
  notFound,
  toList,
  type IngestSource,
  type List,
  type StoredFile,
  type TaskRecord,
} from '@mediaflow/contracts';
import type { Storage } from '@mediaflow/storage';
import { zodIssuesToDetails } from '@mediaflow/workflow';
import { Inject, Injectable } from '@nestjs/common';
import { SchedulerStore } from '../database/scheduler-store';
import type { CreationLimits } from '../runs/run-plan';
import { RunsService } from '../runs/runs.service';
import { STORAGE } from '../scheduler-tokens';
import { toStoredFile } from './stored-file';
import { isUploadKeyOf } from './upload-keys';

const fileId = idSchema(ID_PREFIX.file);

export interface DeletedFile {
  id: string;
  object: 'file';
  deleted: true;
}

/** Files the project's tasks made. Another project's file is answered exactly like a missing one. */
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

  async get(projectId: string, id: string): Promise<StoredFile> {
    if (!fileId.safeParse(id).success) throw notFound('file', id);
    const row = await this.store.autocommit((repos) => repos.files.findInProject(projectId, id));
    if (!row) throw notFound('file', id);
    return toStoredFile(row);
  }

  async list(projectId: string, rawQuery: Record<string, unknown>): Promise<List<StoredFile>> {
    const parsed = FileListQuerySchema.safeParse(rawQuery);
    if (!parsed.success) {
      throw new MediaflowError(
        'validation_failed',
        'The list query is invalid',
        zodIssuesToDetails(parsed.error.issues),
      );
    }
    const { rows, total } = await this.store.autocommit((repos) =>
      repos.files.list(projectId, parsed.data),
    );
    return toList(rows.map(toStoredFile), parsed.data, total);
  }

  /**
   * The bytes first, then the record: if deleting the bytes fails the file
   * is still there to delete again, and deleting them twice is harmless.
   */
  async delete(projectId: string, id: string): Promise<DeletedFile> {
    const file = await this.get(projectId, id);
    await this.storage.delete(file.storage_key);
    if (!(await this.store.autocommit((repos) => repos.files.markDeleted(projectId, id))))
      throw notFound('file', id);
    return { id, object: 'file', deleted: true };
  }
}
