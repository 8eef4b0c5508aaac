import type { ErrorCode, ErrorDetail, TaskObject } from './types';

/**
 * The HTTP status of each error code, for errors that arrive without one:
 * an `event: error` on a stream, an ingest that failed after a 202. A copy
 * of contracts' `ERROR_STATUS` (that module brings zod along), held equal
 * to it by errors.spec.ts.
 */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  event_expired: 410,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  headers_too_large: 431,
  service_unavailable: 503,
  input_unreadable: 422,
  input_too_large: 422,
  input_unreachable: 422,
  input_too_slow: 422,
  input_forbidden: 422,
  unsupported_input: 422,
  no_audio_stream: 422,
  provider_unavailable: 503,
  timeout: 504,
  cancelled: 409,
  internal: 500,
};

/**
 * The code of an answer that did not carry the API's error envelope (a
 * proxy's 502 page, say): its status is all there is to go on.
 */
export const UNEXPECTED_RESPONSE = 'unexpected_response';

/** An error code of the API, or {@link UNEXPECTED_RESPONSE}. */
export type ApiErrorCode = ErrorCode | typeof UNEXPECTED_RESPONSE;

const API_ERROR = Symbol.for('@mediaflow/sdk.MediaflowApiError');

/**
 * The API answered with an error: `{ error: { code, message, details? } }`
 * and its HTTP status. `code` is stable (docs/http-api.md, Errors): switch
 * on it, not on the message.
 */
export class MediaflowApiError extends Error {
  override readonly name = 'MediaflowApiError';
  readonly status: number;
  readonly code: ApiErrorCode;
  /** Each problem of a bad request, with its JSON path (`workflow[0].options.width`). Empty when none. */
  readonly details: ErrorDetail[];
  /** The answer's headers (`Retry-After`, `RateLimit-*`); empty for an error sent on a stream. */
  readonly headers: Headers;
  /** The task whose failure this is: a stored file's ingest that failed after a 202. */
  readonly task?: TaskObject;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    details?: ErrorDetail[];
    headers?: Headers;
    task?: TaskObject;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.headers = init.headers ?? new Headers();
    if (init.task) this.task = init.task;
    Object.defineProperty(this, API_ERROR, { value: true });
  }

  /**
   * Whether `value` is one: `instanceof` fails when an application loads
   * both the ESM and the CommonJS build, this does not.
   */
  static is(value: unknown): value is MediaflowApiError {
    return typeof value === 'object' && value !== null && API_ERROR in value;
  }
}

/**
 * The API could not be reached, or did not answer in time, after every
 * retry: refused, reset, DNS, or `timeoutMs` passed. `cause` is the last
 * underlying error.
 */
export class MediaflowConnectionError extends Error {
  override readonly name = 'MediaflowConnectionError';
  /** True when the time limit ran out, rather than the connection failing. */
  readonly timedOut: boolean;

  constructor(message: string, options: { cause?: unknown; timedOut?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.timedOut = options.timedOut ?? false;
  }
}

/** `tasks.wait` ran out of time before the task ended; `task` is the last state seen, if any. */
export class MediaflowTimeoutError extends Error {
  override readonly name = 'MediaflowTimeoutError';

  constructor(
    message: string,
    readonly task?: TaskObject,
  ) {
    super(message);
  }
}

/** The API error an error envelope describes, given the status it came with. */
export function apiErrorFromEnvelope(
  envelope: unknown,
  status: number | undefined,
  headers?: Headers,
): MediaflowApiError | undefined {
  const error = (envelope as { error?: unknown } | null)?.error as
    { code?: unknown; message?: unknown; details?: unknown } | undefined;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined;
  const code = error.code as ErrorCode;
  return new MediaflowApiError({
    status: status ?? STATUS_OF_CODE[code] ?? 500,
    code,
    message: error.message,
    details: Array.isArray(error.details) ? (error.details as ErrorDetail[]) : [],
    headers,
  });
}

/** The error of a response that is not 2xx: its envelope, or what its status says. */
export async function apiErrorOf(response: Response): Promise<MediaflowApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return (
    apiErrorFromEnvelope(body, response.status, response.headers) ??
    new MediaflowApiError({
      status: response.status,
      code: UNEXPECTED_RESPONSE,
      message: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}, without the API's error envelope${text ? `: ${text.slice(0, 200)}` : ''}`,
      headers: response.headers,
    })
  );
}
