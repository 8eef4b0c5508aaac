import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { LogFn, SerializedError, SerializedRequest, SerializedResponse } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { processServiceName } from './process-name';
import { redactFields, redactHeaders, redactUrl, redactUrlsIn } from './redact';

/** Probes and scrapes: polled every few seconds, not worth a log line each. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * What a request, a response and an error show in a line, credentials
 * redacted (redact.ts): a signed download's `signature`, an `X-Api-Key`, an
 * `Authorization`, a `Cookie`, a `?api_key=`, a presigned `Location`. pino-http
 * hands each the standard serialization, so they only filter it.
 */
export const requestLogSerializers = {
  req: (req: SerializedRequest) => ({
    id: req.id,
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    ...(req.query && typeof req.query === 'object' && { query: redactFields(req.query) }),
    ...(req.params && typeof req.params === 'object' && { params: redactFields(req.params) }),
    headers: redactHeaders(req.headers ?? {}),
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  }),
  res: (res: SerializedResponse) => ({
    statusCode: res.statusCode,
    headers: redactHeaders((res.headers as Record<string, unknown> | undefined) ?? {}),
  }),
  // Messages and stacks quote URLs ("Cannot GET /files/…?signature=…"), errors carry headers.
  err: (err: SerializedError) => redactFields(err),
};

/**
 * A log call's arguments with the URLs in its message redacted: messages
 * are text that may quote one (an error's, a webhook's). Given an error and
 * no message, pino would take the error's message as it is; give it redacted.
 */
function redactLogArguments(args: Parameters<LogFn>): Parameters<LogFn> {
  const [first, ...rest] = args as unknown[];
  const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
  if (
    rest.length === 0 &&
    error instanceof Error &&
    (first as { msg?: unknown }).msg === undefined
  ) {
    return [first, redactUrlsIn(error.message)] as Parameters<LogFn>;
  }
  return args.map((arg) =>
    typeof arg === 'string' ? redactUrlsIn(arg) : arg,
  ) as Parameters<LogFn>;
}

/**
 * The pino-http options of every service: one JSON line per event, the
 * service's name on every line, secrets redacted at every level. Request ids
 * come from `x-request-id` when the caller (or an ingress) set one.
 */
export function requestLogOptions(service: string, level: string): PinoHttpOptions {
  return {
    level,
    base: { service: processServiceName(service) },
    serializers: requestLogSerializers,
    hooks: {
      logMethod(args, method) {
        method.apply(this, redactLogArguments(args));
      },
    },
    genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? crypto.randomUUID(),
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: {
      // Under Fastify the middleware sees a rewritten `url`; `originalUrl` keeps the path.
      ignore: (req) =>
        QUIET_PATHS.has(
          ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0]!,
        ),
    },
  };
}

/** Structured JSON logs with pino for a Nest app: see {@link requestLogOptions}. */
export function structuredLogging(service: string, level: string): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: requestLogOptions(service, level) });
}
