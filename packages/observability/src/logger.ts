import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';

/**
 * Structured JSON logs with pino: one line per event, the service's name on
 * every line, secrets redacted. Request ids come from `x-request-id` when the
 * caller (or an ingress) set one.
 */
export function structuredLogging(service: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? crypto.randomUUID(),
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => ['/health', '/ready', '/metrics'].includes(req.url ?? '') },
    },
  });
}
