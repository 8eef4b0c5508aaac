import { WORKFLOW_LIMITS } from '@mediaflow/contracts';
import { REQUEST_ID_OPTIONS, timeHttpRequests } from '@mediaflow/observability';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { MAX_PATH_SEGMENT_LENGTH } from './error-envelope.filter';
import { answerClientError, answerFrameworkError } from './framework-errors';
import { parseJsonBodies } from './json-body';
import { refuseUnstorableText } from './request-text';
import { answerUnknownRoutes } from './route-methods';
import { STREAMED_BODY_ROUTES, streamBodiesOf } from './streamed-body';

/**
 * The gateway's Fastify: JSON bodies, at most 256 KB (docs/http-api.md, Limits), and
 * every answered request timed into `mediaflow_http_request_duration_seconds`.
 * Create the Nest app on it with `bodyParser: false`, so that Nest does not
 * add its own JSON and form parsers: anything but JSON is then a 415, except
 * on the routes that stream uploads (`POST /files`), which read it themselves.
 *
 * Every error answers the error envelope, those met before Nest included:
 * Node's refusals (431), the router's (414, a bad percent-encoding), unknown
 * routes (404, or 405 with `Allow`) and the body parser's (400, 413, 415).
 */
export function createGatewayHttpAdapter(
  options: { trustProxy?: boolean | number | string[] | undefined } = {},
): FastifyAdapter {
  const adapter = new FastifyAdapter({
    ...REQUEST_ID_OPTIONS,
    // Which proxies' forwarded headers make request.ip, protocol and host (MEDIAFLOW_TRUST_PROXY).
    trustProxy: options.trustProxy ?? false,
    bodyLimit: WORKFLOW_LIMITS.maxBodyBytes,
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const fastify = adapter.getInstance();
  answerUnknownRoutes(fastify);
  parseJsonBodies(fastify);
  fastify.removeContentTypeParser('text/plain');
  streamBodiesOf(fastify, STREAMED_BODY_ROUTES);
  refuseUnstorableText(fastify);
  timeHttpRequests(fastify);
  return adapter;
}
