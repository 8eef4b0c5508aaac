import { MediaflowError } from '@mediaflow/contracts';
import { formatJsonPath } from '@mediaflow/workflow';
import type { FastifyInstance } from 'fastify';

// Fatal: a byte that is not UTF-8 is refused, not turned into U+FFFD. A leading BOM is dropped.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalidBody(message: string): MediaflowError {
  return new MediaflowError('validation_failed', message);
}

/**
 * How deep a JSON body may nest, counting its arrays and objects. The
 * deepest body the API takes, a workflow at its limit of 8 steps deep with a
 * condition's list at the bottom, is 20 levels. Refusing deeper bodies here,
 * for every route, is what lets the code after it recurse: the
 * Idempotency-Key's fingerprint (`canonicalJson`), zod, the `JSON.stringify`
 * of a request to another service (V8's overflows its stack near 5,000
 * levels: a 500) and PostgreSQL's jsonb. One limit at the door instead of
 * each of them made iterative, and the next one written recursively safe too.
 */
export const MAX_JSON_DEPTH = 64;

/** ` at line 3, column 14`: where offset `at` of `text` is. */
function lineAndColumn(text: string, at: number): string {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/** ` at line 3, column 14` from V8's `… in JSON at position 41`, or nothing when it gives none. */
function whereJsonBreaks(error: unknown, text: string): string {
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  const position = /at position (\d+)/.exec(message);
  const at = position ? Number(position[1]) : undefined;
  if (message.startsWith('Unexpected end of JSON input') || (at !== undefined && at >= text.length))
    return ': it ends too early';
  if (at === undefined) return '';
  return lineAndColumn(text, at);
}

/**
 * The offset of the first `[` or `{` of valid JSON `text` that opens level
 * `maxDepth + 1`, or undefined when it nests no deeper than `maxDepth`. A
 * scan of the text: no recursion, and it stops at the first level too many.
 */
export function nestingPastLimit(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Past the string: a backslash escapes the character after it.
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}

/** A path as a chain back to the root: one node per level, not a copy of the path. */
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
 * The first key that could reach an object's prototype if the body were
 * merged into one (`__proto__`, or `constructor` holding `prototype`), and
 * where it is. `JSON.parse` itself only makes them plain keys. Iterative, so
 * a deeply nested body cannot overflow the stack.
 */
export function prototypeKeyIn(
  value: unknown,
): { key: string; path: (string | number)[] } | undefined {
  const pending: { value: unknown; at: PathNode | undefined }[] = [{ value, at: undefined }];
  while (pending.length > 0) {
    const { value: current, at } = pending.pop()!;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        pending.push({ value: current[i], at: { parent: at, key: i } });
    } else if (typeof current === 'object' && current !== null) {
      const record = current as Record<string, unknown>;
      if (Object.hasOwn(record, '__proto__'))
        return { key: '__proto__', path: pathOf({ parent: at, key: '__proto__' }) };
      const constructor = Object.hasOwn(record, 'constructor') ? record.constructor : undefined;
      if (typeof constructor === 'object' && constructor !== null) {
        if (Object.hasOwn(constructor, 'prototype')) {
          const path = pathOf({ parent: { parent: at, key: 'constructor' }, key: 'prototype' });
          return { key: 'constructor.prototype', path };
        }
      }
      const keys = Object.keys(record);
      for (let i = keys.length - 1; i >= 0; i--)
        pending.push({ value: record[keys[i]!], at: { parent: at, key: keys[i]! } });
    }
  }
  return undefined;
}

/**
 * A JSON request body as the API accepts it: UTF-8, JSON, at most
 * {@link MAX_JSON_DEPTH} levels deep, and no key that could reach a
 * prototype. Each refusal is a 400 `validation_failed` saying what is wrong
 * and where, instead of Fastify's "Body is not valid JSON" for all of them.
 */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0)
    throw invalidBody('The request body is empty, but its Content-Type is application/json');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidBody('The request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidBody(`The request body is not valid JSON${whereJsonBreaks(error, text)}`);
  }
  const tooDeep = nestingPastLimit(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    throw invalidBody(
      `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} deep${lineAndColumn(text, tooDeep)}`,
    );
  }
  const forbidden = prototypeKeyIn(value);
  if (forbidden) {
    throw new MediaflowError(
      'validation_failed',
      `The request body has a key that is not allowed: ${forbidden.key}`,
      [{ path: formatJsonPath(forbidden.path), message: 'is not an allowed key' }],
    );
  }
  return value;
}

/**
 * `application/json` bodies through {@link parseJsonBody}, in place of
 * Fastify's parser. The instance's body limit still applies (a 413).
 */
export function parseJsonBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (_request, body, done) => {
      let value: unknown;
      try {
        value = parseJsonBody(body as Buffer);
      } catch (error) {
        done(error as Error, undefined);
        return;
      }
      done(null, value);
    },
  );
}
