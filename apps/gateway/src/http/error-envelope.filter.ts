import {
  ERROR_STATUS,
  MediaflowError,
  WORKFLOW_LIMITS,
  type ErrorBody,
  type ErrorCode,
  type ErrorEnvelope,
} from '@mediaflow/contracts';
import type { IncomingMessage } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { drainRequest } from './drain-request';

export interface ErrorResponse {
  status: number;
  envelope: ErrorEnvelope;
  /** A bug or an unknown failure: log it with its stack; the client only sees "Internal error". */
  unexpected: boolean;
}

const INTERNAL: ErrorResponse = {
  status: 500,
  envelope: { error: { code: 'internal', message: 'Internal error' } },
  unexpected: true,
};

/** The API code for an HTTP status met outside our own errors (Nest, Fastify). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unsupported_input',
  429: 'rate_limited',
  503: 'service_unavailable',
  504: 'timeout',
};

/** Our wording for errors Fastify raises before a handler runs. */
const MESSAGE_BY_STATUS: Record<number, string> = {
  413: `The request body is larger than ${WORKFLOW_LIMITS.maxBodyBytes / 1024} KB`,
  415: 'Content-Type must be application/json',
};

function respond(status: number, body: ErrorBody): ErrorResponse {
  return { status, envelope: { error: body }, unexpected: false };
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
 * Any thrown value as the status and error envelope of docs/http-api.md. Pure, so the
 * mapping is table-tested; {@link ErrorEnvelopeFilter} sends it.
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
  if (isFastifyError(exception)) return byStatus(exception.statusCode, exception.message);
  return INTERNAL;
}

/**
 * The one place errors become HTTP answers: every route, the body parser,
 * the not-found handler and the guard all end here. Stacks go to the log,
 * never to the client.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const { status, envelope, unexpected } = toErrorResponse(exception);
    if (unexpected) {
      this.logger.error(
        exception instanceof Error ? exception.message : String(exception),
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    const http = host.switchToHttp();
    const reply = http.getResponse<ErrorReply>();
    if (reply.sent) return;
    // Refused by its Content-Length before it was read: read it so the 413 reaches the client.
    if (status === 413) await drainRequest(http.getRequest<{ raw: IncomingMessage }>().raw);
    reply.status(status).send(envelope);
  }
}

/** The part of a FastifyReply the filter uses. */
interface ErrorReply {
  sent: boolean;
  status(code: number): { send(body: unknown): unknown };
}
