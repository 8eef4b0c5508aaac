import { ERROR_STATUS } from '@mediaflow/contracts';
import { MAX_PATH_SEGMENT_LENGTH } from '../http/error-envelope.filter';
import { MAX_JSON_DEPTH } from '../http/json-body';
import type { OpenApiDocument } from './openapi-document';

type JsonSchema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, unknown>;
      content?: Record<string, { schema?: JsonSchema }>;
    }
  >;
}

const REF_PREFIX = '#/components/schemas/';

/** A table cell: no line breaks, no pipe that would end the cell. */
const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

const anchor = (name: string): string => `schema-${name.toLowerCase()}`;

/** A schema in a few words: `string`, `integer 16..7680`, `one of a, b`, a link to a named one. */
export function describeType(schema: JsonSchema | undefined): string {
  if (!schema) return 'any';
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
    const name = ref.slice(REF_PREFIX.length);
    return `[${name}](#${anchor(name)})`;
  }
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum))
    return `one of ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) return alternatives.map(describeType).join(' or ');
  // An intersection: the first part names what it is (a file with its linked `files`).
  const parts = schema.allOf as JsonSchema[] | undefined;
  if (Array.isArray(parts)) return describeType(parts[0]);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  const words = types.filter((t): t is string => typeof t === 'string');
  if (words.includes('array')) {
    const items = describeType(schema.items as JsonSchema | undefined);
    return `array of ${items}${words.includes('null') ? ' or null' : ''}`;
  }
  const bounds = rangeText(schema.minimum, schema.maximum);
  const range = bounds ? ` ${bounds}` : '';
  const length =
    typeof schema.maxLength === 'number' ? ` (≤ ${String(schema.maxLength)} characters)` : '';
  return words.length > 0 ? `${words.join(' or ')}${range}${length}` : 'any';
}

/** Ranges as people write them; the full safe-integer range zod gives plain integers is left out. */
function rangeText(min: unknown, max: unknown): string {
  const bound = (v: unknown) =>
    typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? String(v) : '';
  const [low, high] = [bound(min), bound(max)];
  if (!low && !high) return '';
  return `${low}..${high}`;
}

function propertiesTable(schema: JsonSchema): string[] {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return [`${describeType(schema)}`, ''];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(properties).map(([name, property]) => {
    const defaultValue =
      'default' in property ? ` (default \`${JSON.stringify(property.default)}\`)` : '';
    const description = typeof property.description === 'string' ? property.description : '';
    return `| \`${name}\` | ${cell(describeType(property))} | ${required.has(name) ? 'yes' : ''} | ${cell(description + defaultValue)} |`;
  });
  return ['| field | type | required | description |', '|---|---|---|---|', ...rows, ''];
}

function authText(operation: Operation): string {
  if (!operation.security) return 'API key (`Authorization: Bearer mf_…`)';
  if (operation.security.length === 0) return 'none';
  return 'API key, or the signed URL’s query (`expires`, `signature`)';
}

function operationSection(path: string, method: string, operation: Operation): string[] {
  const lines = [`### \`${method.toUpperCase()} ${path}\``, '', `${operation.summary}.`, ''];
  if (operation.description) lines.push(operation.description, '');
  lines.push(`Authentication: ${authText(operation)}.`, '');
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) {
    lines.push('| parameter | in | type | required | description |', '|---|---|---|---|---|');
    for (const p of parameters)
      lines.push(
        `| \`${p.name}\` | ${p.in} | ${cell(describeType(p.schema))} | ${p.required ? 'yes' : ''} | ${cell(p.description ?? '')} |`,
      );
    lines.push('');
  }
  if (operation.requestBody) {
    const types = Object.entries(operation.requestBody.content).map(
      ([type, media]) => `\`${type}\`${media.schema ? `: ${describeType(media.schema)}` : ''}`,
    );
    lines.push(
      `Body${operation.requestBody.required ? '' : ' (optional)'}: ${types.join('; ')}.`,
      '',
    );
  }
  lines.push('| status | answer |', '|---|---|');
  for (const [status, response] of Object.entries(operation.responses)) {
    const schemas = Object.values(response.content ?? {})
      .map((media) => (media.schema ? describeType(media.schema) : ''))
      .filter(Boolean);
    const body = schemas.length > 0 ? ` (${schemas.join(', ')})` : '';
    const headers = Object.keys(response.headers ?? {});
    const headerText =
      headers.length > 0 ? `; headers ${headers.map((h) => `\`${h}\``).join(', ')}` : '';
    lines.push(`| ${status} | ${cell(response.description + body + headerText)} |`);
  }
  lines.push('');
  return lines;
}

/**
 * docs/http-api.md, made from the gateway's OpenAPI document so that the
 * reference and the served `/openapi.json` cannot disagree: every route by
 * tag, then every named schema, then the error codes.
 */
export function httpReferenceMarkdown(document: OpenApiDocument): string {
  const lines = [
    '# HTTP API reference',
    '',
    '<!-- Generated from the OpenAPI document by `pnpm --filter @mediaflow/gateway docs`; do not edit by hand. -->',
    '',
    `${document.info.description} A running gateway serves the same document at`,
    '`/openapi.json` and an explorer at `/docs`.',
    '',
    'Requests and answers are JSON; times are Unix seconds; lists are paged with',
    '`page` (from 1) and `limit`. Every request but the signed file downloads needs an',
    'API key: `Authorization: Bearer mf_…`. The kinds of task and their options are in',
    '[task-kinds.md](task-kinds.md); what a workflow may contain, in',
    '[workflows.md](workflows.md).',
    '',
  ];
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(methods)) {
      const operation = value as Operation;
      const tag = operation.tags[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...operationSection(path, method, operation)]);
    }
  }
  for (const { name } of document.tags) {
    lines.push(`## ${name}`, '', ...(byTag.get(name) ?? []));
  }
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    lines.push(`<a id="${anchor(name)}"></a>`, '', `### ${name}`, '');
    if (typeof schema.description === 'string') lines.push(schema.description, '');
    lines.push(...propertiesTable(schema));
  }
  lines.push(
    '## Errors',
    '',
    'Every error answers `{ "error": { "code", "message", "details"? } }`; `details`',
    'lists `{ "path", "message" }` for each problem of a bad request. The codes are stable:',
    '',
    '| code | HTTP status |',
    '|---|---|',
    ...Object.entries(ERROR_STATUS).map(([code, status]) => `| \`${code}\` | ${status} |`),
    '',
    'Besides the answers each route lists, any request can get: 404 `not_found` for a path',
    'no route has; 405 `method_not_allowed`, with `Allow`, for a path that takes other',
    `methods; 414 \`uri_too_long\` for a path segment over ${MAX_PATH_SEGMENT_LENGTH} characters; 431`,
    "`headers_too_large` for headers, the URL included, over Node's limit (16 KB by default);",
    'and 400 `validation_failed` for a JSON body that is not UTF-8, not JSON, nests arrays',
    `and objects more than ${MAX_JSON_DEPTH} deep, or has a \`__proto__\` or \`constructor.prototype\``,
    'key, or for a string anywhere in the path, the query or the body (object keys',
    'included) that holds the NUL character or an unpaired surrogate, which cannot be',
    'stored. Every 503 carries `Retry-After`, in seconds.',
    '',
  );
  return lines.join('\n');
}
