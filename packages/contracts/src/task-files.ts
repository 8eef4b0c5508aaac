import type { FileObject, StoredFile } from './files';
import type { TaskRecord, TaskTree } from './tasks';

/** A file as anyone outside the services may see it: no storage key, no project, no URL yet. */
export type PublicFile = Omit<FileObject, 'url'>;

/**
 * The public fields of a stored file, copied one by one so that where the
 * bytes live (`storage_key`) and anything later added to the record never
 * leaks to a client or a webhook.
 */
export function publicFile(file: StoredFile): PublicFile {
  return {
    id: file.id,
    object: 'file',
    kind: file.kind,
    mimetype: file.mimetype,
    format: file.format,
    filename: file.filename,
    ref: file.ref,
    width: file.width,
    height: file.height,
    duration: file.duration,
    fps: file.fps,
    filesize: file.filesize,
    has_audio: file.has_audio,
    has_video: file.has_video,
    language: file.language,
    task_id: file.task_id,
    created_at: file.created_at,
  };
}

/** A file output carries where its bytes are; a data result (summary, nsfw, speech) never does. */
function isStoredFileOutput(
  output: TaskRecord['output'],
): output is StoredFile & { files?: StoredFile[] } {
  return output !== null && typeof (output as { storage_key?: unknown }).storage_key === 'string';
}

/**
 * The same task tree with every stored file (input, output, the files an
 * output links, at every depth of `workflow` / `next` / `else`) mapped:
 * how the gateway signs a tree for clients and the scheduler reduces one for
 * webhooks. Data results pass as they are; absent branches stay absent.
 */
export function mapTaskFiles<G extends object>(
  task: TaskRecord,
  map: (file: StoredFile) => G,
): TaskTree<G> {
  const { workflow, next, else: otherwise, ...fields } = task;
  const output = fields.output;
  let mappedOutput: TaskTree<G>['output'] = output as Record<string, unknown> | null;
  if (isStoredFileOutput(output)) {
    const { files, ...file } = output;
    mappedOutput = files
      ? { ...map(file), files: files.map(map) }
      : (map(file) as G & { files?: G[] });
  }
  // Spread first so that `input` and `output` keep their places in the object.
  const mapped: TaskTree<G> = {
    ...fields,
    input: fields.input ? map(fields.input) : null,
    output: mappedOutput,
  };
  if (workflow) mapped.workflow = workflow.map((step) => mapTaskFiles(step, map));
  if (next) mapped.next = next.map((step) => mapTaskFiles(step, map));
  if (otherwise) mapped.else = otherwise.map((step) => mapTaskFiles(step, map));
  return mapped;
}
