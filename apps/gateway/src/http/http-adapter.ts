import { WORKFLOW_LIMITS } from '@mediaflow/contracts';
import { httpRequestDuration } from '@mediaflow/observability';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * The gateway's Fastify: JSON bodies only, at most 256 KB (API.md, Limits),
 * and every answered request timed into `mediaflow_http_request_duration_seconds`.
 * Create the Nest app on it with `bodyParser: false`, so that Nest does not
 * add its own JSON and form parsers: anything but JSON is then a 415.
 */
export function createGatewayHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: WORKFLOW_LIMITS.maxBodyBytes });
  const fastify = adapter.getInstance();
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, keeps the label set small; requests no route matched share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration
      .labels(request.method, route, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });
  return adapter;
}
