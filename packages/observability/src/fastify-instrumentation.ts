import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { httpRequestDuration } from './metrics';

/**
 * Fastify options every service passes: the request id in the logs is the
 * caller's (or an ingress's) `x-request-id`, else a fresh UUID, instead of
 * Fastify's per-process `req-1`, `req-2`…
 */
export const REQUEST_ID_OPTIONS = {
  requestIdHeader: 'x-request-id',
  genReqId: () => randomUUID(),
} satisfies Partial<FastifyServerOptions>;

/** Times every answered request into `mediaflow_http_request_duration_seconds`. */
export function timeHttpRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, keeps the label set small; requests no route matched share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration
      .labels(request.method, route, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });
}
