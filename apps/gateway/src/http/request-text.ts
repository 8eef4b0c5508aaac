import { MediaflowError, unstorableTextIn, type ErrorDetail } from '@mediaflow/contracts';
import { formatJsonPath } from '@mediaflow/workflow';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StreamedBody } from './streamed-body';

/** Each part of a request a client writes text into, and how a refusal of it is worded. */
const PARTS = [
  { read: (r: FastifyRequest) => r.params, message: 'The path is invalid' },
  { read: (r: FastifyRequest) => r.query, message: 'The query string is invalid' },
  { read: (r: FastifyRequest) => r.body, message: 'The request body is invalid' },
] as const;

/**
 * The first part of the request holding a string PostgreSQL cannot store
 * (NUL, an unpaired surrogate): path parameters (`%00` in an id), the query
 * (`?filename=`), the JSON body at any depth, keys included. As
 * `validation_failed`, its details naming each path; undefined when none.
 */
export function unstorableTextError(request: FastifyRequest): MediaflowError | undefined {
  for (const part of PARTS) {
    const value = part.read(request);
    // An upload's bytes are the route's to read; its query is checked like any other.
    if (value === undefined || value === null || value instanceof StreamedBody) continue;
    // The router and the query parser make objects without Object.prototype: copy them plain.
    const plain = typeof value === 'object' && !Array.isArray(value) ? { ...value } : value;
    const details: ErrorDetail[] = unstorableTextIn(plain).map((issue) => ({
      path: formatJsonPath(issue.path),
      message: issue.message,
    }));
    if (details.length > 0) return new MediaflowError('validation_failed', part.message, details);
  }
  return undefined;
}

/**
 * One check for every route, before any handler or guard: the contract
 * schemas refuse such text too (the registry and the scheduler parse with
 * them), but not every string a route passes on goes through one (an id in
 * the path, the steps of an ad-hoc workflow), and a NUL that reaches
 * PostgreSQL is a 500.
 */
export function refuseUnstorableText(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => {
    const error = unstorableTextError(request);
    if (error) throw error;
  });
}
