import { MediaflowError } from '@mediaflow/contracts';
import { parseWithDetails } from '@mediaflow/workflow';
import type { z } from 'zod';

/**
 * A JSON body through its contract schema. No body at all (no Content-Type,
 * nothing sent) counts as `{}`, so `POST /api-keys` works bare; a body of
 * `null` or `[]` is still refused by the schema.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const outcome = parseWithDetails(schema, body === undefined ? {} : body);
  if (outcome.ok) return outcome.data;
  throw new MediaflowError('validation_failed', 'The request body is invalid', outcome.details);
}

/** A query string through its contract schema; details name the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const outcome = parseWithDetails(schema, query ?? {});
  if (outcome.ok) return outcome.data;
  throw new MediaflowError('validation_failed', 'The query string is invalid', outcome.details);
}

/** A parsed query as it travels to a service: the filters the client left out are left out. */
export function withoutUndefined(query: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
}
