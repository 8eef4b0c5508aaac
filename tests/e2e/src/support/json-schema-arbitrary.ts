import fc from 'fast-check';

/**
 * fast-check arbitraries of the values the JSON Schemas of our OpenAPI
 * document accept (json-mutations.ts breaks them).
 *
 * Written here rather than taken from a library: fast-check has no JSON
 * Schema support of its own, and the converters on npm (json-schema-fast-check
 * 0.0.x, json-schema-faker) cover draft 7 without `$ref` into an OpenAPI
 * document's components, recursion limits or `propertyNames`, and none
 * generates an invalid side. The document uses a small subset of keywords
 * ({@link KEYWORDS}), which is all this converts; any other throws, so a new
 * keyword in the document is noticed rather than silently ignored.
 */

export type JsonSchema = Record<string, any>;

export interface SchemaContext {
  /** The schema a `$ref` of the document points at. */
  resolve(ref: string): JsonSchema;
  /**
   * Strings for a property that holds a URL: loopback addresses only, so a
   * generated request never makes the service reach out to another host.
   */
  url: fc.Arbitrary<string>;
  /** Values for a property by name, in place of what its schema says (a pool of real ids, say). */
  byName?: Record<string, fc.Arbitrary<unknown>>;
  /**
   * A `kind`'s options schema (`image` → ImageOptions): the document types
   * `options` as any object and says in words that it is the kind's.
   */
  kindOptions?(kind: string): JsonSchema | undefined;
  /** `$ref` hops past which optional recursive parts are left out; default 2. */
  maxDepth?: number;
}

/** Names of properties whose strings are URLs, typed only `string` in the document. */
export const URL_PROPERTIES = new Set(['url', 'webhook_url']);

/** The keywords this converts: those of the document's requests, annotations included. */
const KEYWORDS = new Set([
  ...['$ref', 'anyOf', 'const', 'enum', 'type', 'format', 'pattern', 'minLength', 'maxLength'],
  ...['minimum', 'maximum', 'multipleOf', 'items', 'minItems', 'maxItems', 'properties'],
  ...['required', 'additionalProperties', 'propertyNames', 'default', 'description'],
]);

/** The JSON value `schema` accepts, with unicode strings and values at the bounds. */
export function validValue(
  schema: JsonSchema,
  ctx: SchemaContext,
  depth = 0,
  name?: string,
): fc.Arbitrary<unknown> {
  const unknown = Object.keys(schema).filter((keyword) => !KEYWORDS.has(keyword));
  if (unknown.length)
    throw new Error(`json-schema-arbitrary: ${unknown.join(', ')} is not supported`);
  if (name !== undefined && ctx.byName?.[name]) return ctx.byName[name]!;
  if (schema.$ref) return validValue(ctx.resolve(schema.$ref), ctx, depth + 1, name);
  if (schema.anyOf)
    return fc.oneof(...schema.anyOf.map((s: JsonSchema) => validValue(s, ctx, depth, name)));
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.type))
    return fc.oneof(
      ...schema.type.map((type: string) => validValue({ ...schema, type }, ctx, depth, name)),
    );
  switch (schema.type) {
    case 'string':
      return validString(schema, ctx, name);
    case 'integer': {
      const step = schema.multipleOf ?? 1;
      const min = Math.ceil((schema.minimum ?? Number.MIN_SAFE_INTEGER) / step);
      const max = Math.floor((schema.maximum ?? Number.MAX_SAFE_INTEGER) / step);
      return fc.integer({ min, max }).map((n) => n * step);
    }
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e15,
        max: schema.maximum ?? 1e15,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ?? {};
      const deep = depth >= (ctx.maxDepth ?? 2) && isRecursive(items);
      const minLength = schema.minItems ?? 0;
      const maxLength = deep ? minLength : Math.min(schema.maxItems ?? 3, minLength + 3);
      return fc.array(validValue(items, ctx, depth, undefined), { minLength, maxLength });
    }
    case 'object':
      return validObject(schema, ctx, depth);
    case undefined:
      // `{}`: any JSON value.
      return fc.jsonValue({ maxDepth: 2 });
    default:
      throw new Error(`json-schema-arbitrary: type ${String(schema.type)} is not supported`);
  }
}

function isRecursive(schema: JsonSchema): boolean {
  return typeof schema.$ref === 'string';
}

function validString(schema: JsonSchema, ctx: SchemaContext, name?: string): fc.Arbitrary<string> {
  if (schema.format === 'uri' || (name !== undefined && URL_PROPERTIES.has(name))) {
    return schema.maxLength ? ctx.url.filter((u) => u.length <= schema.maxLength) : ctx.url;
  }
  if (schema.format !== undefined)
    throw new Error(`json-schema-arbitrary: format ${schema.format} is not supported`);
  const minLength = schema.minLength ?? 0;
  // JSON Schema counts code points; a grapheme can be several, so stay well inside.
  const maxLength = Math.min(schema.maxLength ?? 64, 64);
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    try {
      return fc
        .stringMatching(pattern)
        .filter((s) => [...s].length >= minLength && [...s].length <= maxLength);
    } catch {
      // fast-check reads no lookahead: draw strings and keep those that match.
      return fc
        .string({ unit: 'grapheme', minLength: Math.max(minLength, 1), maxLength })
        .filter((s) => pattern.test(s) && [...s].length <= (schema.maxLength ?? Infinity));
    }
  }
  return fc
    .string({ unit: 'grapheme', minLength, maxLength })
    .filter((s) => [...s].length >= minLength && [...s].length <= (schema.maxLength ?? Infinity));
}

function validObject(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  if (Object.keys(properties).length === 0) {
    // A free-form object: a few keys of any JSON.
    return fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.jsonValue({ maxDepth: 1 }),
      {
        maxKeys: 3,
      },
    );
  }
  const deep = depth >= (ctx.maxDepth ?? 2);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) {
    // Past the depth limit, optional recursive parts (`next`, `else`) are left out.
    if (
      deep &&
      !required.has(key) &&
      property.type === 'array' &&
      isRecursive(property.items ?? {})
    )
      continue;
    model[key] = validValue(property, ctx, depth, key);
  }
  const record = fc.record(model, {
    requiredKeys: Object.keys(model).filter((key) => required.has(key)),
  }) as fc.Arbitrary<Record<string, unknown>>;
  if (!properties.kind || !properties.options || !ctx.kindOptions) return record;
  // `options` are the kind's own: drawn from its `<Kind>Options` schema.
  return record.chain((value) => {
    const options = typeof value.kind === 'string' ? ctx.kindOptions!(value.kind) : undefined;
    if (!options || !('options' in value)) return fc.constant(value);
    return validValue(options, ctx, depth + 1).map((drawn) => ({ ...value, options: drawn }));
  });
}
