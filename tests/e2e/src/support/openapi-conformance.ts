import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ERROR_STATUS } from '@mediaflow/contracts';
import type { JsonSchema } from './json-schema-arbitrary';

/**
 * Whether an answer of the gateway is one its OpenAPI document allows: a
 * status the operation lists (or one the document says any request may
 * get), a body matching the schema given for that status, documented
 * headers, and every error in the envelope with a known code.
 */

export interface Operation {
  method: string;
  /** The template, `/tasks/{id}`. */
  path: string;
  spec: JsonSchema;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON; undefined when not read (a stream). */
  body: unknown;
  text: string;
}

/** What about a request makes the document's "any request can get" statuses possible. */
export interface RequestTraits {
  /**
   * A string in the path, query or body holds NUL or an unpaired surrogate,
   * or the body is no UTF-8 JSON, nests past 64 levels, or has `__proto__`.
   */
  refusedAnywhere: boolean;
  /** A path segment is over 100 characters. */
  longSegment: boolean;
  /** The headers and URL are past Node's 16 KB. */
  hugeHeaders: boolean;
  /** The method is not one the document has for the path. */
  otherMethod: boolean;
  /** A path parameter that may make the path one no route has (`.`, `..`, an empty segment). */
  unroutablePath: boolean;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function operationsOf(doc: JsonSchema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<JsonSchema>(doc.paths))
    for (const [method, spec] of Object.entries<JsonSchema>(item))
      if (HTTP_METHODS.includes(method))
        operations.push({ method: method.toUpperCase(), path, spec });
  return operations;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class OpenApiConformance {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private static readonly ID = 'https://mediaflow.test/openapi.json';

  constructor(readonly doc: JsonSchema) {
    // The document is OpenAPI 3.1: its schemas are JSON Schema 2020-12. Not
    // strict: OpenAPI's own keywords sit beside them.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...doc, $id: OpenApiConformance.ID });
  }

  /** A named component: `Task` → its schema. */
  component(name: string): JsonSchema {
    const schema = this.doc.components.schemas[name];
    if (!schema) throw new Error(`no component ${name}`);
    return schema;
  }

  resolve = (ref: string): JsonSchema => {
    const prefix = '#/components/schemas/';
    if (!ref.startsWith(prefix)) throw new Error(`cannot resolve ${ref}`);
    return this.component(ref.slice(prefix.length));
  };

  /** The validator of the schema at a JSON pointer of the document. */
  private validator(at: string): ValidateFunction {
    let validate = this.compiled.get(at);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${OpenApiConformance.ID}#/${at}` });
      this.compiled.set(at, validate);
    }
    return validate;
  }

  /** Ajv's complaints about `value` against the schema at `at`, or [] when it matches. */
  errorsAt(at: string, value: unknown): string[] {
    const validate = this.validator(at);
    if (validate(value)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Whether `body` is one the operation's request body schema accepts as JSON. */
  requestBodyIsValid(operation: Operation, body: unknown): boolean {
    const content = operation.spec.requestBody?.content?.['application/json'];
    if (!content?.schema) return false;
    const at = pointer(
      'paths',
      operation.path,
      operation.method.toLowerCase(),
      'requestBody',
      'content',
      'application/json',
      'schema',
    );
    return this.errorsAt(at, body).length === 0;
  }

  /** Every way `answer` departs from the document; [] when it conforms. */
  problems(operation: Operation, answer: Answer, traits: RequestTraits): string[] {
    const problems: string[] = [];
    const { status } = answer;
    const listed = operation.spec.responses?.[String(status)];
    if (status >= 500) problems.push(`a ${status} (every service is running: none is expected)`);
    const code = (answer.body as any)?.error?.code as string | undefined;
    if (!listed) {
      const framework =
        (status === 400 && traits.refusedAnywhere && code === 'validation_failed') ||
        (status === 404 && traits.unroutablePath && code === 'not_found') ||
        (status === 405 && traits.otherMethod && code === 'method_not_allowed') ||
        (status === 414 && traits.longSegment && code === 'uri_too_long') ||
        (status === 431 && traits.hugeHeaders && code === 'headers_too_large');
      if (!framework)
        problems.push(`status ${status} is not listed for ${operation.method} ${operation.path}`);
    }
    if (status >= 400) problems.push(...this.envelopeProblems(answer));
    if (status === 503 && !answer.headers.get('retry-after'))
      problems.push('a 503 without Retry-After');
    if (status === 405 && !answer.headers.get('allow')) problems.push('a 405 without Allow');
    if (!listed) return problems;

    const contentType = answer.headers.get('content-type') ?? '';
    const contents: Record<string, JsonSchema> = listed.content ?? {};
    const types = Object.keys(contents);
    const type = types.find((t) => contentType.startsWith(t));
    if (types.length > 0 && type === undefined && !types.includes('application/octet-stream')) {
      // application/octet-stream stands for "the file's own type" (a download).
      problems.push(`content-type ${contentType} is none of ${types.join(', ')}`);
    }
    if (type !== undefined && contents[type]!.schema) {
      // An event stream's body is its first event, when one came in time.
      if (answer.body === undefined && type !== 'text/event-stream') problems.push('no body');
      const at = pointer(
        'paths',
        operation.path,
        operation.method.toLowerCase(),
        'responses',
        String(status),
        'content',
        type,
        'schema',
      );
      if (answer.body !== undefined)
        for (const error of this.errorsAt(at, answer.body))
          problems.push(`body does not match the document: ${error}`);
    }
    for (const [name, header] of Object.entries<JsonSchema>(listed.headers ?? {})) {
      const value = answer.headers.get(name);
      if (value === null) continue;
      const schema = header.schema ?? {};
      if (schema.enum && !schema.enum.includes(value))
        problems.push(`header ${name}: ${value} is not one of ${schema.enum}`);
      if (schema.type === 'integer' && !/^\d+$/.test(value))
        problems.push(`header ${name}: ${value} is not an integer`);
    }
    return problems;
  }

  /** An error answer is the envelope, with a code whose status is the answer's. */
  private envelopeProblems(answer: Answer): string[] {
    const problems = this.errorsAt(pointer('components', 'schemas', 'Error'), answer.body).map(
      (e) => `error body is not the envelope: ${e} (${answer.text.slice(0, 200)})`,
    );
    const code = (answer.body as any)?.error?.code as keyof typeof ERROR_STATUS | undefined;
    if (code && ERROR_STATUS[code] === undefined) problems.push(`unknown error code ${code}`);
    else if (code && ERROR_STATUS[code] !== answer.status)
      problems.push(`code ${code} is a ${ERROR_STATUS[code]}, answered as a ${answer.status}`);
    return problems;
  }
}
