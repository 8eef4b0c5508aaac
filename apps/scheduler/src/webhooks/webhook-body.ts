import type { FileObject, StoredFile, TaskRecord, TaskTree } from '@mediaflow/contracts';

/** A file in a webhook body: the file object of API.md without its signed `url`. */
export type WebhookFile = Omit<FileObject, 'url'>;
export type WebhookTask = TaskTree<WebhookFile>;

/**
 * The body of a webhook: the task object clients know, from the record the
 * scheduler keeps. Signed download URLs are made only by the gateway, which
 * holds the signing secret, so files go out without `url` (fetch them with
 * GET /files/:id) and, as always towards clients, without where they are
 * stored or which project owns them.
 */
export function toWebhookBody(task: TaskRecord): WebhookTask {
  const body: WebhookTask = {
    ...task,
    input: task.input ? webhookFile(task.input) : null,
    output: webhookOutput(task.output),
    workflow: task.workflow?.map(toWebhookBody),
    next: task.next?.map(toWebhookBody),
    else: task.else?.map(toWebhookBody),
  };
  // Absent stays absent, as in the task object (no `"next": undefined` keys to trip equality checks).
  for (const key of ['workflow', 'next', 'else'] as const) if (body[key] === undefined) delete body[key];
  return body;
}

function webhookFile(file: StoredFile): WebhookFile {
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

function isStoredFile(value: TaskRecord['output']): value is StoredFile & { files?: StoredFile[] } {
  return value !== null && typeof value.storage_key === 'string' && typeof value.project_id === 'string';
}

/** A file output (with its linked files) is reduced; a data kind's JSON result goes as it is. */
function webhookOutput(output: TaskRecord['output']): WebhookTask['output'] {
  if (!isStoredFile(output)) return output;
  const file = webhookFile(output);
  return output.files ? { ...file, files: output.files.map(webhookFile) } : file;
}
