import {
  TASK_MESSAGE_VERSION,
  isTaskKind,
  taskTimeBudget,
  type TaskDispatch,
} from '@mediaflow/contracts';
import type { FileRow } from '../files/file-row';
import { toStoredFile } from '../files/stored-file';
import type { TaskRow } from '../tasks/task-row';

/**
 * The message that hands one attempt of a task to the workers of its kind:
 * its input file record (where the bytes are), or for `ingest` the URL or
 * the staged upload to store, and the name the client gave it; with an
 * input of known length, the attempt's time budget from it (`timeout_ms`).
 */
export function buildTaskDispatch(row: TaskRow, input: FileRow | undefined): TaskDispatch {
  if (!isTaskKind(row.kind)) throw new Error(`a ${row.kind} task is never dispatched (${row.id})`);
  if (row.attempt < 1) throw new Error(`task ${row.id} has no attempt to dispatch`);
  const base = {
    v: TASK_MESSAGE_VERSION,
    task_id: row.id,
    attempt: row.attempt,
    project_id: row.project_id,
    kind: row.kind,
    options: row.options,
    ref: row.ref,
  } as const;
  if (row.kind === 'ingest') {
    if (!row.source_url === !row.source_key)
      throw new Error(`ingest task ${row.id} needs either a source URL or a staged upload`);
    return {
      ...base,
      input: null,
      source_url: row.source_url,
      source_key: row.source_key,
      source_filename: row.source_filename,
    };
  }
  if (!input || input.id !== row.input_file_id)
    throw new Error(`task ${row.id} is dispatched without its input file`);
  const budget = taskTimeBudget(row.kind, row.options, input);
  return {
    ...base,
    input: toStoredFile(input),
    source_url: null,
    ...(budget ? { timeout_ms: budget.seconds * 1000 } : {}),
  };
}
