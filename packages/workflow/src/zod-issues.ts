import type { ErrorDetail } from '@mediaflow/contracts';
import type { z } from 'zod';
import { formatJsonPath, type JsonPath } from './json-path';

type Issue = z.core.$ZodIssue | z.core.$ZodRawIssue;

/** Where issues are reported, and for option objects which kind they belong to. */
export interface IssueContext {
  /** Prepended to every issue's own path, e.g. `['workflow', 0, 'options']`. */
  path?: JsonPath;
  /** Names the task kind in `is not an option of <kind>`. */
  kind?: string;
}

export type ParseOutcome<T> = { ok: true; data: T } | { ok: false; details: ErrorDetail[] };

const TYPE_MESSAGES: Record<string, string> = {
  number: 'must be a number',
  int: 'must be a whole number',
  string: 'must be a string',
  boolean: 'must be a boolean',
  object: 'must be an object',
  record: 'must be an object',
  array: 'must be an array',
  null: 'must be null',
};

/** Units for the sizes zod measures; anything else is compared as a number. */
const SIZE_UNITS: Record<string, string> = {
  string: 'characters',
  array: 'items',
  set: 'items',
  file: 'bytes',
};

/**
 * The message a client reads for an issue, or undefined to leave zod's own.
 * Only called for issues whose schema gave no message of its own: as a zod
 * error map it ranks below schema-level messages, so "must be an even
 * number" on a video width survives as written.
 */
export function humanIssueMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      // A raw issue carries its input; `nonoptional` is zod's "key missing".
      if (issue.expected === 'nonoptional' || ('input' in issue && issue.input === undefined)) {
        return 'is required';
      }
      return TYPE_MESSAGES[issue.expected] ?? `must be ${issue.expected}`;
    case 'too_big': {
      const unit = SIZE_UNITS[issue.origin];
      const n = issue.maximum.toString();
      if (unit) {
        return issue.exact ? `must have exactly ${n} ${unit}` : `must have at most ${n} ${unit}`;
      }
      return issue.inclusive === false ? `must be < ${n}` : `must be ≤ ${n}`;
    }
    case 'too_small': {
      const unit = SIZE_UNITS[issue.origin];
      const n = issue.minimum.toString();
      if (unit) {
        if (issue.exact) return `must have exactly ${n} ${unit}`;
        return n === '1' ? 'must not be empty' : `must have at least ${n} ${unit}`;
      }
      return issue.inclusive === false ? `must be > ${n}` : `must be ≥ ${n}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern
        ? `must match ${issue.pattern}`
        : `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      // Replaced per key by zodIssuesToDetails, which knows the kind.
      return 'is not a known field';
    default:
      // invalid_union, custom and the rest: the schema's message, or zod's.
      return undefined;
  }
}

/** A zod error map for `safeParse(value, { error: humanErrorMap })`. */
export const humanErrorMap: z.core.$ZodErrorMap = (issue) => humanIssueMessage(issue);

/**
 * Issues as API error details: paths prefixed and formatted, and one detail
 * per unknown key so each stray key has its own path. Messages are taken as
 * they are: parse with {@link humanErrorMap} (or use {@link parseWithDetails})
 * to get the human ones.
 */
export function zodIssuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  context: IssueContext = {},
): ErrorDetail[] {
  const prefix = context.path ?? [];
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const message = context.kind ? `is not an option of ${context.kind}` : 'is not a known field';
      for (const key of issue.keys) details.push({ path: formatJsonPath([...at, key]), message });
    } else {
      details.push({ path: formatJsonPath(at), message: issue.message });
    }
  }
  return details;
}

/** Parse with a schema; on failure, every issue as a detail with a human message. */
export function parseWithDetails<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: IssueContext = {},
): ParseOutcome<z.output<S>> {
  const result = schema.safeParse(value, { error: humanErrorMap });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, details: zodIssuesToDetails(result.error.issues, context) };
}
