import type { z } from 'zod';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** Parses the environment with a schema; throws one {@link ConfigError} naming every bad variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  // Empty strings mean "unset" in most shells' and orchestrators' hands.
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) if (value !== '') cleaned[key] = value;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const got = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
    return `${name} ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * Parses the environment once at start. A bad value stops the process with
 * one clear line on stderr instead of a stack trace.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
