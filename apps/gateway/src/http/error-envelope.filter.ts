import {
  ERROR_STATUS,
  MediaflowError,
  WORKFLOW_LIMITS,
  type ErrorBody,
  type ErrorCode,
  type ErrorEnvelope,
} from '@mediaflow/contracts';
import { maxHeaderSize, type IncomingMessage } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { unavailableDependency, type UnavailableDependency } from './dependency-unavailable';
import { drainRequest } from './drain-request';

export interface ErrorResponse {
  status: number;
  envelope: ErrorEnvelope;
  /** Headers the answer carries: `Retry-After` on a 503 and a 429. */
  headers: Record<string, string>;
  /** A bug or an unknown failure: log it with its stack; the client only sees "Internal error". */
  unexpected: boolean;
  /** A dependency that is down: worth a warning in the log (no stack), not an error. */
  warning?: string;
}

/**
 * What a 503 asks a client to wait before trying again, in seconds: about
 * as long as NATS takes to reconnect or a restarted scheduler, registry or
 * PostgreSQL to answer again. Sent as `Retry-After` (RFC 9110 §10.2.3) and
 * documented on every 503 of the OpenAPI document.
 */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

/**
 * The longest path segment (an id, a file name) the router reads: past it,
 * a 414. Ours are 21 characters; Fastify's default, named here so that the
 * answer can say it.
 */
export const MAX_PATH_SEGMENT_LENGTH = 100;

/** For an unknown path; the path itself is never echoed (it may be 16 KB). */
export const NO_SUCH_ROUTE = 'No route matches this path; /openapi.json lists them all';

const INTERNAL: ErrorResponse = {
  status: 500,
  envelope: { error: { code: 'internal', message: 'Internal error' } },
  headers: {},
  unexpected: true,
};

/** The API code for an HTTP status met outside our own errors (Nest, Fastify, Node). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unsupported_input',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
  504: 'timeout',
};

/**
 * Our wording for errors Fastify, Nest or Node raise before a handler runs.
 * Theirs echo the URL (`Cannot GET /…`, `'/automations/aaaa…' is exceeding
 * the max param length`), which a client sent and may be 16 KB long.
 */
export const MESSAGE_BY_STATUS: Record<number, string> = {
  404: NO_SUCH_ROUTE,
  405: 'This path does not take this method',
  408: 'The request was not received in time',
  413: `The request body is larger than ${WORKFLOW_LIMITS.maxBodyBytes / 1024} KB`,
  414: `A path segment is longer than ${MAX_PATH_SEGMENT_LENGTH} characters`,
  415: 'Content-Type must be application/json',
  431: `The request headers, the URL included, are larger than ${maxHeaderSize / 1024} KB`,
};

/** Fastify errors with a message of ours: the status alone does not tell them apart. */
const MESSAGE_BY_FASTIFY_CODE: Record<string, string> = {
  FST_ERR_BAD_URL: 'The path is not valid: a percent-encoded segment is not UTF-8',
};

const DEPENDENCY_MESSAGES: Record<UnavailableDependency, string> = {
  database: 'The database is not answering; try again shortly',
  network: 'A service the gateway depends on is not answering; try again shortly',
};

function respond(status: number, body: ErrorBody): ErrorResponse {
  // A 429's own (a rate limit's window) is set on the reply before, and kept; this is for those without one.
  const headers: Record<string, string> =
    status === 503 || status === 429 ? { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_S) } : {};
  return { status, envelope: { error: body }, headers, unexpected: false };
}

function byStatus(status: number, message: string): ErrorResponse {
  const code = CODE_BY_STATUS[status];
  if (code)
    return respond(ERROR_STATUS[code], { code, message: MESSAGE_BY_STATUS[status] ?? message });
  if (status >= 400 && status < 500) return respond(400, { code: 'validation_failed', message });
  return INTERNAL;
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Fastify's own errors (`FST_ERR_CTP_BODY_TOO_LARGE`, …) carry a code and a status. */
function isFastifyError(value: unknown): value is Error & { code: string; statusCode: number } {
  if (!(value instanceof Error)) return false;
  const { code, statusCode } = value as Error & { code?: unknown; statusCode?: unknown };
  return typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number';
}

/**
 * Any thrown value as the status, headers and error envelope of
 * docs/http-api.md. Pure, so the mapping is table-tested; {@link ErrorEnvelopeFilter}
 * and the adapter's own answers ({@link sendErrorResponse}) send it.
 */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof MediaflowError) {
    // An `internal` from another service (or a contract mismatch on the bus)
    // may name internals: log it, say nothing.
    if (exception.status >= 500 && exception.code === 'internal') return INTERNAL;
    return respond(exception.status, exception.toBody());
  }
  if (exception instanceof HttpException)
    return byStatus(exception.getStatus(), httpExceptionMessage(exception));
  if (isFastifyError(exception)) {
    const message = MESSAGE_BY_FASTIFY_CODE[exception.code];
    return message
      ? respond(exception.statusCode, { code: CODE_BY_STATUS[exception.statusCode]!, message })
      : byStatus(exception.statusCode, exception.message);
  }
  const dependency = unavailableDependency(exception);
  if (dependency) {
    return {
      ...respond(503, { code: 'service_unavailable', message: DEPENDENCY_MESSAGES[dependency] }),
      warning: String((exception as { message?: unknown }).message ?? exception),
    };
  }
  return INTERNAL;
}

const logger = new Logger('Errors');

/** Logs what the operator should see: bugs with their stack, dependencies down as warnings. */
export function logErrorResponse(response: ErrorResponse, exception: unknown): void {
  if (response.unexpected) {
    logger.error(
      exception instanceof Error ? exception.message : String(exception),
      exception instanceof Error ? exception.stack : undefined,
    );
  } else if (response.warning) {
    logger.warn(`${response.envelope.error.message}: ${response.warning}`);
  }
}

/** Sends the answer: its headers (not over one the reply already has), its status, the envelope. */
export function sendErrorResponse(reply: ErrorReply, response: ErrorResponse): void {
  for (const [name, value] of Object.entries(response.headers))
    if (!reply.hasHeader(name)) reply.header(name, value);
  reply.status(response.status).send(response.envelope);
}

/**
 * The one place errors become HTTP answers for everything Nest routes: every
 * route, the body parser, the request hooks and the guard all end here.
 * Errors met before Nest (an unknown route, a bad URL) are answered by the
 * adapter through the same {@link toErrorResponse}. Stacks go to the log,
 * never to the client.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const response = toErrorResponse(exception);
    logErrorResponse(response, exception);
    const http = host.switchToHttp();
    const reply = http.getResponse<ErrorReply>();
    if (reply.sent) return;
    // Refused by its Content-Length before it was read: read it so the 413 reaches the client.
    if (response.status === 413)
      await drainRequest(http.getRequest<{ raw: IncomingMessage }>().raw);
    sendErrorResponse(reply, response);
  }
}

/** The part of a FastifyReply that errors are sent with. */
export interface ErrorReply {
  sent: boolean;
  header(name: string, value: string): unknown;
  hasHeader(name: string): boolean;
  status(code: number): { send(body: unknown): unknown };
}
