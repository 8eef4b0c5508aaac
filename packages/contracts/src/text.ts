import { z } from 'zod';

/**
 * Why a client's string cannot be stored. PostgreSQL refuses U+0000 in
 * `text` and in `jsonb` (as `\u0000`), and an unpaired surrogate has no
 * UTF-8 form: node-postgres would store U+FFFD in its place, and `jsonb`
 * refuses its `\ud800` escape. Both are refused where the API reads them,
 * with a 400 naming the path, rather than failing as a 500 or being
 * silently changed.
 */
export const TEXT_PROBLEMS = {
  nul: 'must not contain the NUL character',
  unpairedSurrogate: 'must not contain an unpaired surrogate (invalid UTF-16)',
} as const;

/** What is wrong with `value` as stored text, or undefined when nothing is. */
export function textProblem(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) return TEXT_PROBLEMS.nul;
    if (unit < 0xd800 || unit > 0xdfff) continue;
    // A high surrogate must be followed by a low one, which is then skipped; a low one alone is wrong.
    const next = value.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return TEXT_PROBLEMS.unpairedSurrogate;
  }
  return undefined;
}

/** The shared refinement: `z.string().superRefine(checkText)`. */
export function checkText(value: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/** A client's string: any text PostgreSQL can store. */
export function storableText() {
  return z.string().superRefine(checkText);
}

/** An http(s) URL a client gives: a source to fetch, a webhook to call. */
export function httpUrl() {
  return z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .max(4096)
    .superRefine(checkText);
}

export interface TextIssue {
  /** Keys and indexes from the value's root; for a bad key, the key itself is last. */
  path: (string | number)[];
  message: string;
}

/** Enough to show a client what to fix without answering a 256 KB body with a larger one. */
export const MAX_TEXT_ISSUES = 20;

/** A path as a chain back to the root: a step deeper costs one node, not a copy of the path. */
interface PathNode {
  parent: PathNode | undefined;
  key: string | number;
}

function pathOf(node: PathNode | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at = node; at; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Every string of a JSON value that cannot be stored, object keys included,
 * at most {@link MAX_TEXT_ISSUES}, in document order. Iterative and linear in
 * the size of the value, so a body nested 100,000 deep costs neither the
 * stack nor quadratic time. Only arrays and plain objects are entered.
 */
export function unstorableTextIn(value: unknown): TextIssue[] {
  const issues: TextIssue[] = [];
  // A stack, children pushed last first so that they come out in order.
  const pending: { value: unknown; at: PathNode | undefined; badKey?: string }[] = [
    { value, at: undefined },
  ];
  while (pending.length > 0 && issues.length < MAX_TEXT_ISSUES) {
    const { value: current, at, badKey } = pending.pop()!;
    if (badKey) {
      issues.push({ path: pathOf(at), message: `key ${badKey}` });
    } else if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) issues.push({ path: pathOf(at), message: problem });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        pending.push({ value: current[i], at: { parent: at, key: i } });
    } else if (isPlainObject(current)) {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        // A bad key is the problem; what it holds is not looked at.
        pending.push({ value: current[key], at: { parent: at, key }, badKey: textProblem(key) });
      }
    }
  }
  return issues;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The refinement for free-form JSON (workflows, options): each bad string at its own path. */
export function checkTextIn(value: unknown, ctx: z.RefinementCtx): void {
  for (const issue of unstorableTextIn(value))
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

/** A JSON value kept as the client wrote it, whose every string and key can be stored. */
export function storableJson() {
  return z.unknown().superRefine(checkTextIn);
}
