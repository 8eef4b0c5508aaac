import fc from 'fast-check';
import { URL_PROPERTIES } from './json-schema-arbitrary';

/**
 * Valid JSON values broken in one place, in the ways a client gets them
 * wrong: a wrong type, a key missing or extra, a huge or hostile string,
 * deep nesting, a number out of range.
 */

/** A JSON path into a value: keys and indexes. */
type JsonPath = (string | number)[];

function pathsOf(value: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...at, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...at, key], out);
  return out;
}

function getAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<any>((node, key) => node?.[key], value);
}

/** A copy of `value` with the node at `path` replaced by what `change` makes of it (undefined removes it). */
function changeAt(value: unknown, path: JsonPath, change: (node: unknown) => unknown): unknown {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = changeAt(copy[head as number], rest, change);
    if (next === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const next = changeAt(copy[head as string], rest, change);
  if (next === undefined && rest.length === 0) delete copy[head as string];
  else
    Object.defineProperty(copy, head as string, {
      value: next,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

/**
 * JSON text to splice into a body as it is: nesting deeper than
 * JSON.stringify can write without overflowing the stack.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `depth` levels of `[[[…]]]` or `{"a":{"a":…}}`. */
export function nestedJson(depth: number, asObject: boolean): RawJson {
  return new RawJson(
    asObject
      ? `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );
}

/** JSON.stringify, with every {@link RawJson} written as its text. */
export function jsonText(value: unknown): string {
  const raw: RawJson[] = [];
  const text: string | undefined = JSON.stringify(value, (_key, node: unknown) =>
    node instanceof RawJson ? `\u0000raw${raw.push(node) - 1}\u0000` : node,
  );
  // A value removed whole (undefined) is no body at all.
  if (text === undefined) return '';
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i: string) => raw[Number(i)]!.text);
}

/** Strings clients should not send, and a server must refuse or store as they are. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u202e\u200b\ufeff',
    '../../etc/passwd',
    "'; DROP TABLE tasks; --",
    '%00',
    '%s%n%x',
    '{{constructor}}',
    '__proto__',
    '<script>alert(1)</script>',
    '\r\nX-Injected: 1',
    '9'.repeat(400),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 201, maxLength: 300 }),
  fc.integer({ min: 256, max: 5000 }).map((n) => 'é'.repeat(n)),
);

/** A value of another JSON type than `node`'s. */
const otherType = (node: unknown): fc.Arbitrary<unknown> => {
  const kinds: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.boolean(),
    fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(1e308, -1e308, 0.5, -0, 2 ** 63),
    ),
    hostileString,
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  ];
  const type =
    node === null
      ? 0
      : typeof node === 'boolean'
        ? 1
        : typeof node === 'number'
          ? 2
          : typeof node === 'string'
            ? 3
            : Array.isArray(node)
              ? 4
              : 5;
  return fc.oneof(...kinds.filter((_, i) => i !== type));
};

export type Mutation =
  'wrong-type' | 'remove-key' | 'extra-key' | 'hostile-string' | 'deep-nesting' | 'out-of-range';

/**
 * `valid` broken in one place: `mutation` at a node chosen among its nodes.
 * `protectedKeys` are never added as extra keys (a `url` added by chance
 * would be a real address to fetch).
 */
export function invalidValue(
  valid: fc.Arbitrary<unknown>,
  protectedKeys: ReadonlySet<string> = URL_PROPERTIES,
): fc.Arbitrary<{ value: unknown; mutation: Mutation; path: string }> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom<Mutation>(
        'wrong-type',
        'remove-key',
        'extra-key',
        'hostile-string',
        'deep-nesting',
        'out-of-range',
      ),
    )
    .chain(
      ([value, pick, mutation]): fc.Arbitrary<{
        value: unknown;
        mutation: Mutation;
        path: string;
      }> => {
        const paths = pathsOf(value);
        const objectPaths = paths.filter((p) => {
          const node = getAt(value, p);
          return node !== null && typeof node === 'object' && !Array.isArray(node);
        });
        const keyed = paths.filter((p) => p.length > 0);
        const at = (list: JsonPath[]) => (list.length ? list[pick % list.length]! : []);
        const shown = (p: JsonPath) => p.join('.') || '(root)';
        // URL values are replaced only by other loopback or unparseable values.
        const isUrl = (p: JsonPath) => URL_PROPERTIES.has(String(p.at(-1)));
        switch (mutation) {
          case 'wrong-type': {
            const p = at(paths);
            return (
              isUrl(p)
                ? fc.constantFrom<unknown>(42, null, [], {}, true)
                : otherType(getAt(value, p))
            ).map((node) => ({
              value: changeAt(value, p, () => node),
              mutation,
              path: shown(p),
            }));
          }
          case 'remove-key': {
            const p = at(keyed);
            return fc.constant({
              value: changeAt(value, p, () => undefined),
              mutation,
              path: shown(p),
            });
          }
          case 'extra-key': {
            const p = at(objectPaths);
            const key = fc.oneof(
              fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
              fc.constantFrom(
                '__proto__',
                'constructor',
                'prototype',
                'a\u0000b',
                '\ud800',
                '',
                'x'.repeat(300),
              ),
            );
            return fc
              .tuple(
                key.filter((k) => !protectedKeys.has(k)),
                fc.jsonValue({ maxDepth: 2 }),
              )
              .map(([k, v]) => ({
                value: changeAt(value, p, (node) => {
                  const copy = { ...(node as Record<string, unknown>) };
                  // defineProperty: `copy[k] =` would set the prototype for `__proto__`.
                  Object.defineProperty(copy, k, {
                    value: v,
                    enumerable: true,
                    writable: true,
                    configurable: true,
                  });
                  return copy;
                }),
                mutation,
                path: `${shown(p)}[${JSON.stringify(k)}]`,
              }));
          }
          case 'hostile-string': {
            const strings = paths.filter((p) => typeof getAt(value, p) === 'string' && !isUrl(p));
            const p = at(strings.length ? strings : paths);
            return hostileString.map((s) => ({
              value: changeAt(value, p, () => s),
              mutation,
              path: shown(p),
            }));
          }
          case 'deep-nesting': {
            const p = at(paths);
            return (
              fc
                // Uniform: past the 64 levels a body may have, and past what recursion survives.
                .tuple(fc.noBias(fc.integer({ min: 64, max: 20_000 })), fc.boolean())
                .map(([depth, asObject]) => ({
                  value: changeAt(value, p, () => nestedJson(depth, asObject)),
                  mutation,
                  path: shown(p),
                }))
            );
          }
          case 'out-of-range': {
            const numbers = paths.filter((p) => typeof getAt(value, p) === 'number');
            const p = at(numbers.length ? numbers : paths);
            return fc
              .constantFrom(-1, 0, 1.5, -1e9, 1e9, 2 ** 53, -(2 ** 53), 1e308, 0.0001)
              .map((n) => ({ value: changeAt(value, p, () => n), mutation, path: shown(p) }));
          }
        }
      },
    );
}
