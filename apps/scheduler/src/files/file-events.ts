import { hashedEventId, type FileEventRecord } from '@mediaflow/contracts';
import { toUnixSeconds } from '@mediaflow/database';
import type { LogEntry } from '../events/events.repository';
import type { FileRow } from './file-row';
import { toStoredFile } from './stored-file';

/**
 * The log entry of a file's creation or deletion. A file is created once
 * and deleted once, so the id hashes the file and the type: a replayed
 * change names the same event, which the log keeps once.
 */
export function fileEvent(type: FileEventRecord['type'], row: FileRow): LogEntry {
  const at = type === 'file.deleted' && row.deleted_at ? row.deleted_at : row.created_at;
  return {
    project_id: row.project_id,
    run_id: null,
    task_id: null,
    automation_id: null,
    event: {
      id: hashedEventId([row.id, type]),
      type,
      created_at: toUnixSeconds(at),
      data: toStoredFile(row),
    },
  };
}
