import {
  MediaflowError,
  isFinalStatus,
  StoredFileSchema,
  type FileObject,
  type TaskObject,
  type TaskRecord,
} from '@mediaflow/contracts';
import { presentTask } from '../tasks/present-task';
import { presentFile, type FileUrlOf } from './present-file';

/** What `POST /files` answers with, besides an error. */
export type IngestAnswer = { status: 201; body: FileObject } | { status: 202; body: TaskObject };

/**
 * `POST /files`'s answer from its ingest task, as it is when the gateway
 * stops waiting: the stored file (201) when it completed; its error, with
 * that code's status, when it failed or was cancelled (422
 * `input_unreadable`, 422 `input_forbidden`, …); still under way when the
 * wait ran out, the ingest task itself (202), to follow with `GET /tasks/:id`.
 */
export function ingestAnswer(task: TaskRecord, urlOf: FileUrlOf): IngestAnswer {
  if (!isFinalStatus(task.status)) return { status: 202, body: presentTask(task, urlOf) };
  if (task.status === 'completed') {
    const file = StoredFileSchema.safeParse(task.output);
    if (!file.success)
      throw new MediaflowError('internal', `ingest ${task.id} completed without a file`);
    return { status: 201, body: presentFile(file.data, urlOf) };
  }
  const error = task.error ?? {
    code: task.status === 'cancelled' ? ('cancelled' as const) : ('internal' as const),
    message: `The ingest task ${task.id} ended ${task.status}`,
  };
  throw new MediaflowError(error.code, error.message);
}
