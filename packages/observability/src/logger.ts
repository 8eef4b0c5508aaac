import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import { processServiceName } from './process-name';

/** Probes and scrapes: polled every few seconds, not worth a log line each. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Structured JSON logs with pino: one line per event, the service's name on
 * every line, secrets redacted. Request ids come from `x-request-id` when the
 * caller (or an ingress) set one.
 */
export function structuredLogging(service: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service: processServiceName(service) },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
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
    },
  });
}
