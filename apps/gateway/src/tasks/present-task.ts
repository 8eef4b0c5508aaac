import type { StoredFile, TaskObject, TaskRecord } from '@mediaflow/contracts';
import { presentFile, type FileUrlOf } from '../files/present-file';

type RecordOutput = TaskRecord['output'];

/** A file output carries where its bytes are; a data result (summary, nsfw, speech) never does. */
function isStoredFile(
  output: NonNullable<RecordOutput>,
): output is StoredFile & { files?: StoredFile[] } {
  return typeof (output as { storage_key?: unknown }).storage_key === 'string';
}

function presentOutput(output: RecordOutput, urlOf: FileUrlOf): TaskObject['output'] {
  if (output === null) return null;
  if (!isStoredFile(output)) return output;
  const { files, ...file } = output;
  const presented = presentFile(file, urlOf);
  return files ? { ...presented, files: files.map((f) => presentFile(f, urlOf)) } : presented;
}

/**
 * A task tree as the scheduler answers it, as clients see it: every stored
 * file (input, output, the files an output links, at every depth of the
 * `workflow` / `next` / `else` tree) becomes a file object with a signed URL.
 */
export function presentTask(task: TaskRecord, urlOf: FileUrlOf): TaskObject {
  const { workflow, next, else: otherwise, ...fields } = task;
  // Spread first so that `input` and `output` keep their places in the object.
  const presented: TaskObject = {
    ...fields,
    input: fields.input ? presentFile(fields.input, urlOf) : null,
    output: presentOutput(fields.output, urlOf),
  };
  if (workflow) presented.workflow = workflow.map((step) => presentTask(step, urlOf));
  if (next) presented.next = next.map((step) => presentTask(step, urlOf));
  if (otherwise) presented.else = otherwise.map((step) => presentTask(step, urlOf));
  return presented;
}
