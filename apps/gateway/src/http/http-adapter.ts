import { WORKFLOW_LIMITS } from '@mediaflow/contracts';
import { REQUEST_ID_OPTIONS, timeHttpRequests } from '@mediaflow/observability';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * The gateway's Fastify: JSON bodies only, at most 256 KB (API.md, Limits),
 * and every answered request timed into `mediaflow_http_request_duration_seconds`.
 * Create the Nest app on it with `bodyParser: false`, so that Nest does not
 * add its own JSON and form parsers: anything but JSON is then a 415.
 */
export function createGatewayHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ ...REQUEST_ID_OPTIONS, bodyLimit: WORKFLOW_LIMITS.maxBodyBytes });
  const fastify = adapter.getInstance();
  fastify.removeContentTypeParser('text/plain');
  timeHttpRequests(fastify);
  return adapter;
}
