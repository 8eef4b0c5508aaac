import {
  MediaflowError,
  isFinalStatus,
  StoredFileSchema,
  type FileWithTriggeredRuns,
  type StoredFile,
  type TaskObject,
  type TaskRecord,
} from '@mediaflow/contracts';

/** What `POST /files` answers with, besides an error. */
export type IngestAnswer =
  { status: 201; body: FileWithTriggeredRuns } | { status: 202; body: TaskObject };

/**
 * `POST /files`'s outcome from its ingest task, as it is when the gateway
 * stops waiting: the stored file (201) when it completed; its error, with
 * that code's status, when it failed or was cancelled (422
 * `input_unreadable`, 422 `input_forbidden`, …); still under way when the
 * wait ran out, the ingest task itself (202), to follow with `GET /tasks/:id`.
 */
export function ingestOutcome(task: TaskRecord): { stored: StoredFile } | { running: TaskRecord } {
  if (!isFinalStatus(task.status)) return { running: task };
  if (task.status === 'completed') {
    const file = StoredFileSchema.safeParse(task.output);
    if (!file.success)
      throw new MediaflowError('internal', `ingest ${task.id} completed without a file`);
    return { stored: file.data };
  }
  const error = task.error ?? {
    code: task.status === 'cancelled' ? ('cancelled' as const) : ('internal' as const),
    message: `The ingest task ${task.id} ended ${task.status}`,
  };
  throw new MediaflowError(error.code, error.message);
}
