// What both entries export besides their `Mediaflow`: the errors, webhook
// checking, the shapes, and the pieces a caller may want on their own.
export {
  MediaflowApiError,
  MediaflowConnectionError,
  MediaflowTimeoutError,
  UNEXPECTED_RESPONSE,
  type ApiErrorCode,
} from './errors';
export {
  verifyWebhook,
  parseSignatureHeader,
  WebhookVerificationError,
  SIGNATURE_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifyWebhookOptions,
  type WebhookVerificationFailure,
} from './webhooks/verify-webhook';
export { MediaflowClient } from './client';
export type { ClientOptions, FetchLike } from './http/http-client';
export { SseParser, type SseMessage } from './sse/sse-parser';
export { isFinalStatus, type WaitOptions, type TaskEventsOptions } from './resources/tasks';
export type { Automations, RunOptions } from './resources/automations';
export type { Tasks } from './resources/tasks';
export type { Files, FileRef, IngestOptions } from './resources/files';
export type { ApiKeys } from './resources/api-keys';
export type { Projects } from './resources/projects';
export type { WebhookSecrets } from './resources/webhook-secret';
export type { Webhooks, WebhookEndpoints } from './resources/webhooks';
export type { Events, EventStreamOptions } from './resources/events';
export type { UploadOptions, UploadProgress, UploadSource } from './files/upload-body';
export type * from './types';
