import { mapTaskFiles, type TaskObject, type TaskRecord } from '@mediaflow/contracts';
import { presentFile, type FileUrlOf } from '../files/present-file';

/**
 * A task tree as the scheduler answers it, as clients see it: every stored
 * file, at every depth, becomes a file object with a signed URL.
 */
export function presentTask(task: TaskRecord, urlOf: FileUrlOf): TaskObject {
  return mapTaskFiles(task, (file) => presentFile(file, urlOf));
}
