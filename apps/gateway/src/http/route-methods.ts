import { MediaflowError } from '@mediaflow/contracts';
import type { FastifyInstance } from 'fastify';
import { NO_SUCH_ROUTE, sendErrorResponse, toErrorResponse } from './error-envelope.filter';

/** `/automations/:id/run` → a RegExp matching `/automations/auto_…/run`; `*` matches the rest. */
function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The methods each route pattern answers, to tell a path that exists with
 * other methods (405, with `Allow`) from one that does not (404). Fastify's
 * router answers both as "not found".
 */
export class RouteMethods {
  private readonly routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | readonly string[]): void {
    const route = this.routes.get(url) ?? { pattern: routePattern(url), methods: new Set() };
    for (const method of [methods].flat()) route.methods.add(method.toUpperCase());
    // Fastify answers HEAD wherever it answers GET (exposeHeadRoutes).
    if (route.methods.has('GET')) route.methods.add('HEAD');
    this.routes.set(url, route);
  }

  /** The methods `path` (no query string) is answered with, sorted; empty when none. */
  allowedAt(path: string): string[] {
    const allowed = new Set<string>();
    for (const { pattern, methods } of this.routes.values())
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    return [...allowed].sort();
  }
}

/**
 * Requests no route takes are answered here, before Nest's not-found handler
 * (whose message echoes the URL), and before any body is read: 405 with
 * `Allow` when the path exists with other methods, else 404. In `preParsing`,
 * after the `onRequest` middleware (the request log) has seen them.
 */
export function answerUnknownRoutes(fastify: FastifyInstance): void {
  const routes = new RouteMethods();
  fastify.addHook('onRoute', (route) => routes.add(route.url, route.method));
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    if (!request.is404) {
      done(null, payload);
      return;
    }
    const allowed = routes.allowedAt(request.url.split('?', 1)[0]!);
    const error =
      allowed.length > 0
        ? new MediaflowError(
            'method_not_allowed',
            `This path does not take ${request.method}; it takes ${allowed.join(', ')}`,
          )
        : new MediaflowError('not_found', NO_SUCH_ROUTE);
    if (allowed.length > 0) reply.header('Allow', allowed.join(', '));
    // Answered: the lifecycle stops here, without `done`.
    sendErrorResponse(reply, toErrorResponse(error));
  });
}
