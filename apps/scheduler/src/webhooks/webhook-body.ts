import {
  mapTaskFiles,
  publicFile,
  type PublicFile,
  type TaskRecord,
  type TaskTree,
} from '@mediaflow/contracts';

/** A file in a webhook body: the file object of docs/http-api.md without its signed `url`. */
export type WebhookFile = PublicFile;
export type WebhookTask = TaskTree<WebhookFile>;

/**
 * The body of a webhook: the task object clients know, from the record the
 * scheduler keeps. Signed download URLs are made only by the gateway, which
 * holds the signing secret, so files go out without `url` (fetch them with
 * GET /files/:id) and, as always towards clients, without where they are
 * stored or which project owns them.
 */
export function toWebhookBody(task: TaskRecord): WebhookTask {
  return mapTaskFiles(task, publicFile);
}
