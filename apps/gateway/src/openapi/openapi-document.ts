import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  PageQuerySchema,
  TASK_KINDS,
} from '@mediaflow/contracts';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_WINDOW_MS } from '../idempotency/idempotency-rules';
import { GATEWAY_ROUTES, type RouteSpec } from './route-table';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  security: Record<string, string[]>[];
  tags: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
}

const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** `video` → `VideoOptions`: each task kind's options, documented under its own name. */
export function kindOptionsName(kind: string): string {
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)}Options`;
}

/** The contract id a schema carries through `.meta({ id })`, if any. */
function contractId(schema: z.core.$ZodType): string | undefined {
  const id = z.globalRegistry.get(schema)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The named contract schemas a root reaches, found by letting zod walk it:
 * zod reports every schema it converts to `override`.
 */
function reachableNamed(root: z.ZodType, io: Io, into: Map<string, z.core.$ZodType>): void {
  z.toJSONSchema(root, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: ({ zodSchema }) => {
      const id = contractId(zodSchema);
      if (id) into.set(id, zodSchema);
    },
  });
}

/** Converts a registry of named schemas into components, refs pointing at `#/components/schemas/<name>`. */
function convertRegistry(
  registry: z.core.$ZodRegistry<{ id: string }>,
  io: Io,
): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `${SCHEMA_REF_PREFIX}${id}`,
  });
  if ('__shared' in schemas) {
    // A schema with an id that is not in the registry: it would be unreachable by $ref.
    const shared = Object.keys(((schemas.__shared as JsonSchema).$defs ?? {}) as JsonSchema);
    throw new Error(
      `OpenAPI: schemas reached but not registered as components: ${shared.join(', ')}`,
    );
  }
  const components: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    // Components are embedded in one document: their own $id / $schema would re-base their refs.
    const { $id: _id, $schema: _schema, ...body } = schema as JsonSchema;
    components[name] = body;
  }
  return components;
}

/** A schema without a name, inlined where it is used. It must not reach named ones. */
function inlineSchema(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _schema, ...body } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  if (body.$defs) throw new Error('OpenAPI: an inline schema reaches named schemas; give it an id');
  return body;
}

/**
 * All component schemas. Requests are converted as zod *input* (what a client
 * may send) and responses as *output* (what it receives). A named schema on
 * both sides whose two forms differ (a workflow step accepts flat options in,
 * is strict out) gets its input form under `<Name>Input`.
 */
function buildComponents(routes: readonly RouteSpec[]) {
  const inputs = new Map<string, z.core.$ZodType>();
  const outputs = new Map<string, z.core.$ZodType>();
  for (const route of routes) {
    if (route.body) reachableNamed(route.body, 'input', inputs);
    for (const response of route.responses) {
      if (response.schema && contractId(response.schema))
        reachableNamed(response.schema, 'output', outputs);
    }
  }
  const inputName = (id: string) => (outputs.has(id) ? `${id}Input` : id);

  const inputRegistry = z.registry<{ id: string }>();
  for (const [id, schema] of inputs) inputRegistry.add(schema, { id: inputName(id) });
  // Every kind's options (one declaration in contracts), as a client writes them in a step.
  for (const [kind, declaration] of Object.entries(TASK_KINDS)) {
    inputRegistry.add(declaration.options, { id: kindOptionsName(kind) });
  }
  const outputRegistry = z.registry<{ id: string }>();
  for (const [id, schema] of outputs) outputRegistry.add(schema, { id });

  const schemas = {
    ...convertRegistry(outputRegistry, 'output'),
    ...convertRegistry(inputRegistry, 'input'),
  };
  for (const [kind, declaration] of Object.entries(TASK_KINDS)) {
    const name = kindOptionsName(kind);
    schemas[name] = {
      description: `The options of a \`${kind}\` step: ${declaration.summary}`,
      ...schemas[name],
    };
  }
  return { schemas, inputName };
}

function ref(name: string): JsonSchema {
  return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
}

function queryParameters(query: z.ZodObject): JsonSchema[] {
  const page = PageQuerySchema.shape;
  return Object.entries(query.shape).map(([name, schema]) => {
    const field = schema as z.ZodType;
    let parameterSchema: JsonSchema;
    // Pagination arrives as query-string digits; document it as the integers it stands for.
    if (name === 'page') parameterSchema = { type: 'integer', minimum: 1, default: 1 };
    else if (name === 'limit')
      parameterSchema = {
        type: 'integer',
        minimum: 1,
        maximum: MAX_PAGE_LIMIT,
        default: DEFAULT_PAGE_LIMIT,
      };
    else parameterSchema = inlineSchema(field, 'input');
    const description =
      field.description ?? (name in page ? page[name as keyof typeof page].description : undefined);
    return {
      name,
      in: 'query',
      required: !field.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: parameterSchema,
    };
  });
}

/** `/automations/:id` → `/automations/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** A file's bytes, as a route that takes uploads reads them (OpenAPI 3.1: binary as `contentMediaType`). */
const UPLOAD_CONTENT = {
  'multipart/form-data': {
    schema: {
      type: 'object',
      properties: {
        file: {
          type: 'string',
          contentMediaType: 'application/octet-stream',
          description: 'The file: the first part with a filename; other fields are ignored',
        },
      },
      required: ['file'],
    },
  },
  'application/octet-stream': {
    schema: {
      type: 'string',
      contentMediaType: 'application/octet-stream',
      description: 'The file as the raw body; any Content-Type but JSON and multipart is taken so',
    },
  },
};

function operation(route: RouteSpec, components: ReturnType<typeof buildComponents>): JsonSchema {
  const schemaFor = (schema: z.ZodType, io: Io): JsonSchema => {
    const id = contractId(schema);
    if (!id) return inlineSchema(schema, io);
    return ref(io === 'input' ? components.inputName(id) : id);
  };

  const parameters = [
    ...[...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...(route.query ? queryParameters(route.query) : []),
    ...(route.idempotent
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              `1 to 255 printable ASCII characters. The same key within ${IDEMPOTENCY_WINDOW_MS / 3_600_000} h answers ` +
              'the first response again (with `Idempotent-Replayed: true`) and starts nothing new; with ' +
              'another body or path it is a 409. What a create makes (a run, task, file, automation, ' +
              'webhook endpoint, API key or project) is made with the key in one transaction: a retry of a ' +
              'request that got no answer (a timeout, a 5xx, a crash), or sent while the first still runs, ' +
              'gets what the first created, or creates it once. A secret the first answer showed (an API ' +
              "key's, a webhook endpoint's) is in the replay too. Routes that create nothing to find again " +
              '(a rotation, a redelivery) say what a retry without an answer does.',
            schema: {
              type: 'string',
              minLength: 1,
              maxLength: 255,
              pattern: IDEMPOTENCY_KEY_PATTERN.source,
            },
          },
        ]
      : []),
    ...(route.headers ?? []).map(({ name, description, schema }) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: schema ? inlineSchema(schema, 'input') : { type: 'string' },
    })),
  ];

  const responses: Record<string, JsonSchema> = {};
  for (const response of route.responses) {
    const contentType = response.contentType ?? 'application/json';
    const replayable = route.idempotent && response.status < 300;
    const headers: Record<string, JsonSchema> = {
      ...(replayable
        ? {
            'Idempotent-Replayed': {
              description:
                '`true` when this is the stored answer to an earlier request with the same key',
              schema: { type: 'string', enum: ['true'] },
            },
          }
        : {}),
      ...Object.fromEntries(
        (response.headers ?? []).map(({ name, description, type = 'string' }) => [
          name,
          { description, schema: { type } },
        ]),
      ),
    };
    responses[String(response.status)] = {
      description: response.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(response.schema
        ? { content: { [contentType]: { schema: schemaFor(response.schema, 'output') } } }
        : response.contentType
          ? { content: { [contentType]: {} } }
          : {}),
    };
  }

  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    // A signed download needs no key; a key works too.
    ...(route.signedAccess
      ? { security: [{ bearerAuth: [] }, {}] }
      : route.public
        ? { security: [] }
        : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyRequired ?? true,
            content: {
              'application/json': { schema: schemaFor(route.body, 'input') },
              ...(route.upload ? UPLOAD_CONTENT : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

function packageVersion(): string {
  // Two levels below the app in both src/ and dist/.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The OpenAPI 3.1 document of the gateway, generated from the route table and the contracts. */
export function buildOpenApiDocument(
  routes: readonly RouteSpec[] = GATEWAY_ROUTES,
): OpenApiDocument {
  const components = buildComponents(routes);
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route, components) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mediaflow API',
      version: packageVersion(),
      description:
        'Self-hosted media automation: save workflows of media tasks and run them. ' +
        'Every error answers `{ "error": { code, message, details? } }`.',
    },
    security: [{ bearerAuth: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key: `Authorization: Bearer mf_…`',
        },
      },
    },
  };
}
