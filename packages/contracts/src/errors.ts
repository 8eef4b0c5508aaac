import { z } from 'zod';

/**
 * Every stable error code the service answers with. HTTP API codes first,
 * then the task error codes of docs/task-kinds.md. Clients may switch on these.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** The path exists, but not with this method; the answer's `Allow` header lists those it has. */
  method_not_allowed: 405,
  /** The client took too long to send its request. */
  request_timeout: 408,
  conflict: 409,
  event_expired: 410,
  payload_too_large: 413,
  /** A path segment (an id) is longer than the gateway reads. */
  uri_too_long: 414,
  unsupported_media_type: 415,
  /** `GET /files/:id/content` with a `Range` that starts at or past the end of the file. */
  range_not_satisfiable: 416,
  rate_limited: 429,
  /** The request's headers (the URL included) are larger than the server reads. */
  headers_too_large: 431,
  service_unavailable: 503,
  // Task errors (docs/task-kinds.md). As HTTP answers they mean the media cannot be processed.
  input_unreadable: 422,
  input_too_large: 422,
  input_unreachable: 422,
  /** The source sent too little, too late (a first byte, or a minimum rate): it would hold a slot for nothing. */
  input_too_slow: 422,
  input_forbidden: 422,
  unsupported_input: 422,
  no_audio_stream: 422,
  provider_unavailable: 503,
  timeout: 504,
  cancelled: 409,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ErrorDetailSchema = z.object({
  path: z
    .string()
    .describe('JSON path of the offending value, e.g. `workflow[1].next[0].options.width`'),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.array(ErrorDetailSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** The error envelope of docs/http-api.md: `{ "error": { code, message, details? } }`. */
export const ErrorEnvelopeSchema = z.object({ error: ErrorBodySchema }).meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/**
 * The one error type of the service. It carries a stable code, a message for
 * humans and, through the code, its HTTP status; the gateway's filter maps it
 * to the envelope, and it crosses NATS as an {@link ErrorBody}.
 */
export class MediaflowError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'MediaflowError';
    this.code = code;
    if (details && details.length > 0) this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static fromBody(body: ErrorBody): MediaflowError {
    return new MediaflowError(body.code, body.message, body.details);
  }
}

/**
 * `not_found` for the `resource` (`automation`, `task`, `file`) the caller
 * asked for by `id`: missing, or another project's.
 */
export function notFound(resource: string, id: string): MediaflowError {
  // The id is the caller's own input; keep an absurdly long one from filling the message.
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
  return new MediaflowError('not_found', `No ${resource} ${shown} in this project`);
}

export function isMediaflowError(value: unknown): value is MediaflowError {
  return value instanceof MediaflowError;
}
