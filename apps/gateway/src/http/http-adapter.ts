import { WORKFLOW_LIMITS } from '@mediaflow/contracts';
import { REQUEST_ID_OPTIONS, timeHttpRequests } from '@mediaflow/observability';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { STREAMED_BODY_ROUTES, streamBodiesOf } from './streamed-body';

/**
 * The gateway's Fastify: JSON bodies, at most 256 KB (docs/http-api.md, Limits), and
 * every answered request timed into `mediaflow_http_request_duration_seconds`.
 * Create the Nest app on it with `bodyParser: false`, so that Nest does not
 * add its own JSON and form parsers: anything but JSON is then a 415, except
 * on the routes that stream uploads (`POST /files`), which read it themselves.
 */
export function createGatewayHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({
    ...REQUEST_ID_OPTIONS,
    bodyLimit: WORKFLOW_LIMITS.maxBodyBytes,
  });
  const fastify = adapter.getInstance();
  fastify.removeContentTypeParser('text/plain');
  streamBodiesOf(fastify, STREAMED_BODY_ROUTES);
  timeHttpRequests(fastify);
  return adapter;
}
