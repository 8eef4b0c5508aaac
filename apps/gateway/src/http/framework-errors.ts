import { MediaflowError } from '@mediaflow/contracts';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  MESSAGE_BY_STATUS,
  logErrorResponse,
  sendErrorResponse,
  toErrorResponse,
  type ErrorResponse,
} from './error-envelope.filter';

/**
 * Fastify's `frameworkErrors`: what its router meets before any route (a
 * path segment over the length limit, a segment that is not UTF-8 once
 * percent-decoded). Fastify's own answers echo the whole URL.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const response = toErrorResponse(error);
  logErrorResponse(response, error);
  sendErrorResponse(reply, response);
}

/** The answer to a request Node's HTTP parser refused, by the parser's error code. */
export function clientErrorResponse(code: string | undefined): ErrorResponse {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return toErrorResponse(new MediaflowError('headers_too_large', MESSAGE_BY_STATUS[431]!));
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return toErrorResponse(new MediaflowError('request_timeout', MESSAGE_BY_STATUS[408]!));
    default:
      return toErrorResponse(
        new MediaflowError('validation_failed', 'The request is not valid HTTP'),
      );
  }
}

/**
 * Fastify's `clientErrorHandler`: Node refused the request before there is
 * one to reply to (headers, the URL among them, over 16 KB; malformed HTTP;
 * too slow), so the answer is written to the socket, which is then closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, envelope, headers } = clientErrorResponse(error.code);
  const body = JSON.stringify(envelope);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  else socket.destroy();
}
