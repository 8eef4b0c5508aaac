import { TASK_KINDS } from '@mediaflow/contracts';
import { HealthController, MetricsController } from '@mediaflow/observability';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApiKeysController } from '../api-keys/api-keys.controller';
import { isPublicRoute } from '../auth/api-key.guard';
import { AutomationsController } from '../automations/automations.controller';
import { FileContentController } from '../files/file-content.controller';
import { FilesController } from '../files/files.controller';
import { ProjectsController } from '../projects/projects.controller';
import { WebhookSecretController } from '../projects/webhook-secret.controller';
import { AutomationRunsController } from '../tasks/automation-runs.controller';
import { EventsController } from '../events/events.controller';
import { UNAVAILABLE_RETRY_AFTER_S } from '../http/error-envelope.filter';
import { idempotencyOptionsOf } from '../idempotency/idempotency.interceptor';
import { TasksController } from '../tasks/tasks.controller';
import {
  buildOpenApiDocument,
  kindOptionsName,
  openApiPath,
  type OpenApiDocument,
} from './openapi-document';
import { OpenApiController } from './openapi.controller';
import { WebhookEndpointsController } from '../webhook-endpoints/webhook-endpoints.controller';
import { GATEWAY_ROUTES } from './route-table';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  responses: Record<string, { description: string }>;
  parameters?: { name: string; in: string; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}

/** Every `$ref` in the document, with where it was found. */
function collectRefs(node: unknown, at = '#', into: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) node.forEach((item, i) => collectRefs(item, `${at}/${i}`, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push([at, value]);
      else collectRefs(value, `${at}/${key}`, into);
    }
  }
  return into;
}

function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every route handler the controllers really declare, read from Nest's own metadata. */
function controllerHandlers(): { route: string; controller: object; handler: object }[] {
  const controllers = [
    ProjectsController,
    WebhookSecretController,
    ApiKeysController,
    AutomationsController,
    AutomationRunsController,
    TasksController,
    EventsController,
    FilesController,
    FileContentController,
    WebhookEndpointsController,
    OpenApiController,
    HealthController,
    MetricsController,
  ];
  const handlers: { route: string; controller: object; handler: object }[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (method === undefined || path === undefined) continue;
      const full = `/${[base, path]
        .map((p) => p.replace(/^\/|\/$/g, ''))
        .filter(Boolean)
        .join('/')}`;
      handlers.push({
        route: `${RequestMethod[method].toLowerCase()} ${full}`,
        controller,
        handler,
      });
    }
  }
  return handlers;
}

/** The routes the controllers really declare, with who may call them. */
function controllerRoutes(): string[] {
  return controllerHandlers()
    .map(
      ({ route, controller, handler }) =>
        `${route} ${isPublicRoute(controller, handler) ? 'public' : 'key'}`,
    )
    .sort();
}

describe('the OpenAPI document', () => {
  let document: OpenApiDocument;
  beforeAll(() => {
    document = buildOpenApiDocument();
  });

  it('is OpenAPI 3.1 in shape', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof document.info.title).toBe('string');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    for (const requirement of document.security) {
      for (const scheme of Object.keys(requirement))
        expect(document.components.securitySchemes).toHaveProperty(scheme);
    }
    const operationIds: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\//);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name).sort();
      for (const [method, op] of Object.entries(item)) {
        expect(HTTP_METHODS).toContain(method);
        const operation = op as {
          operationId: string;
          responses: Record<string, { description: string; content?: Record<string, unknown> }>;
          parameters?: { name: string; in: string; required?: boolean; schema: unknown }[];
          requestBody?: { content: Record<string, { schema: unknown }> };
        };
        operationIds.push(operation.operationId);
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof response.description).toBe('string');
        }
        // Every {param} of the path is declared, required, as a path parameter (and nothing else is).
        const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(pathParams.map((p) => p.name).sort()).toEqual(templated);
        for (const p of pathParams) expect(p.required).toBe(true);
        for (const p of operation.parameters ?? [])
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
        if (operation.requestBody)
          expect(Object.keys(operation.requestBody.content).length).toBeGreaterThan(0);
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('has every route of the route table, with its statuses', () => {
    for (const route of GATEWAY_ROUTES) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method] as {
        responses: Record<string, unknown>;
      };
      expect(operation).toBeDefined();
      expect(Object.keys(operation.responses).sort()).toEqual(
        route.responses.map((r) => String(r.status)).sort(),
      );
    }
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m} ${path}`),
    );
    expect(documented).toHaveLength(GATEWAY_ROUTES.length);
  });

  it('documents exactly the routes the controllers serve, public where the guard lets them be', () => {
    // The Swagger UI's own files are served (publicly) but are not part of the API.
    const served = controllerRoutes();
    expect(served).toContain('get /docs/:file public');
    expect(served.filter((r) => r !== 'get /docs/:file public')).toEqual(
      GATEWAY_ROUTES.map((r) => `${r.method} ${r.path} ${r.public ? 'public' : 'key'}`).sort(),
    );
  });

  it('resolves every $ref inside the document', () => {
    const refs = collectRefs(document);
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs.filter(([, ref]) => resolvePointer(document, ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('embeds component schemas without their own $id or $schema', () => {
    for (const schema of Object.values(document.components.schemas)) {
      expect(schema).not.toHaveProperty('$id');
      expect(schema).not.toHaveProperty('$schema');
    }
  });

  it('names the options of every task kind', () => {
    for (const kind of Object.keys(TASK_KINDS)) {
      expect(document.components.schemas).toHaveProperty(kindOptionsName(kind));
    }
    expect(document.components.schemas.VideoOptions).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: { width: { type: 'integer', maximum: 7680 } },
    });
  });

  it('answers errors with the error envelope', () => {
    const error = document.components.schemas.Error as {
      properties: { error: { required: string[] } };
    };
    expect(error.properties.error.required).toEqual(['code', 'message']);
    const create = document.paths['/automations']!.post as {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    for (const status of ['400', '401', '413', '415', '503']) {
      expect(create.responses[status]!.content['application/json']!.schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
  });

  it('documents Retry-After on every 503 of the error envelope', () => {
    const unavailable = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) => {
        const answer = (
          operation as {
            responses: Record<
              string,
              { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }
            >;
          }
        ).responses['503'];
        return answer ? [{ route: `${method} ${path}`, answer }] : [];
      }),
    );
    expect(unavailable.length).toBeGreaterThan(10);
    for (const { route, answer } of unavailable) {
      // `/ready` answers its own report, for probes, without it.
      const isEnvelope =
        JSON.stringify(answer.content) ===
        JSON.stringify({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
      expect({ route, header: answer.headers?.['Retry-After'] }).toEqual({
        route,
        header: isEnvelope
          ? {
              description: `Seconds to wait before trying again (${UNAVAILABLE_RETRY_AFTER_S})`,
              schema: { type: 'integer' },
            }
          : undefined,
      });
    }
  });

  it('describes request bodies as clients write them and responses as they come back', () => {
    const create = document.paths['/automations']!.post as {
      requestBody: { content: Record<string, { schema: unknown }> };
    };
    expect(create.requestBody.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/CreateAutomation',
    });
    // In: flat options beside `kind` are allowed. Out: the stored, normalised step.
    expect(document.components.schemas.TaskStepInput).not.toHaveProperty('additionalProperties');
    expect(document.components.schemas.TaskStep).toHaveProperty('additionalProperties', false);
    const workflow = (
      document.components.schemas.CreateAutomation as {
        properties: { workflow: { items: unknown } };
      }
    ).properties.workflow;
    expect(workflow.items).toEqual({ $ref: '#/components/schemas/WorkflowStepInput' });
  });

  it('needs the bearer key everywhere except the public routes', () => {
    for (const route of GATEWAY_ROUTES) {
      const operation = document.paths[openApiPath(route.path)]![route.method] as {
        security?: unknown[];
      };
      if (route.signedAccess) expect(operation.security).toEqual([{ bearerAuth: [] }, {}]);
      else if (route.public) expect(operation.security).toEqual([]);
      else expect(operation.security).toBeUndefined();
    }
    expect(
      GATEWAY_ROUTES.filter((r) => r.public && !r.signedAccess)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/docs', '/health', '/metrics', '/openapi.json', '/ready']);
    // Public to the guard, which lets a signed URL through; the key or the signature is checked inside.
    expect(GATEWAY_ROUTES.filter((r) => r.signedAccess).map((r) => r.path)).toEqual([
      '/files/:id/content',
    ]);
  });

  it('documents Idempotency-Key on exactly the routes that honour it', () => {
    const documented = GATEWAY_ROUTES.filter((route) => {
      const operation = document.paths[openApiPath(route.path)]![route.method] as {
        parameters?: { name: string; in: string }[];
      };
      return (operation.parameters ?? []).some(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
    }).map((r) => `${r.method} ${r.path}`);
    // Every route that creates something: resumable where what it creates is
    // created with the key's claim (docs/http-api.md, Idempotency); a
    // rotation and a redelivery, which create nothing to find again, replay
    // their answer only.
    const honoured = controllerHandlers()
      .filter(({ handler }) => idempotencyOptionsOf(handler) !== undefined)
      .map(
        ({ route, handler }) =>
          `${route}${idempotencyOptionsOf(handler)?.resumable ? ' (resumable)' : ''}`,
      )
      .sort();
    expect(honoured).toEqual([
      'post /api-keys (resumable)',
      'post /automations (resumable)',
      'post /automations/:id/run (resumable)',
      'post /events/:id/redeliver',
      'post /files (resumable)',
      'post /projects (resumable)',
      'post /tasks (resumable)',
      'post /tasks/:id/retry (resumable)',
      'post /webhooks/endpoints (resumable)',
      'post /webhooks/endpoints/:id/rotate',
    ]);
    expect(documented.sort()).toEqual(honoured.map((route) => route.replace(/ \(.*\)$/, '')));
    // Every POST but a cancel, which creates nothing and whose repeat is a 409.
    expect(
      GATEWAY_ROUTES.filter((r) => r.method === 'post' && !r.idempotent).map((r) => r.path),
    ).toEqual(['/tasks/:id/cancel']);
    const run = document.paths['/automations/{id}/run']!.post as {
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(run.responses['201']!.headers).toHaveProperty('Idempotent-Replayed');
    expect(run.responses['409']!.headers).toBeUndefined();
  });

  it('documents Prefer: wait, and Preference-Applied, on the routes that make a task', () => {
    const preferring = GATEWAY_ROUTES.filter((route) => {
      const operation = document.paths[openApiPath(route.path)]![route.method] as {
        parameters?: { name: string; in: string }[];
      };
      return (operation.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Prefer');
    }).map((r) => `${r.method} ${r.path}`);
    expect(preferring.sort()).toEqual([
      'post /automations/:id/run',
      'post /tasks',
      'post /tasks/:id/retry',
    ]);
    const create = document.paths['/tasks']!.post as {
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(Object.keys(create.responses['201']!.headers!).sort()).toEqual([
      'Idempotent-Replayed',
      'Preference-Applied',
    ]);
  });

  it('documents the events of GET /tasks/{id}/events as the Event envelope', () => {
    const events = document.paths['/tasks/{id}/events']!.get as {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    expect(events.responses['200']!.content['text/event-stream']!.schema).toEqual({
      $ref: '#/components/schemas/Event',
    });
  });

  it('documents POST /files: JSON, multipart or raw bytes in; the file, or the ingest task while it runs, out', () => {
    const create = document.paths['/files']!.post as {
      requestBody: { content: Record<string, { schema: unknown }> };
      parameters: { name: string; in: string }[];
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    expect(Object.keys(create.requestBody.content).sort()).toEqual([
      'application/json',
      'application/octet-stream',
      'multipart/form-data',
    ]);
    expect(create.requestBody.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/IngestFile',
    });
    expect(create.requestBody.content['multipart/form-data']!.schema).toMatchObject({
      required: ['file'],
    });
    expect(create.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'filename', in: 'query' })]),
    );
    expect(create.responses['201']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/FileWithTriggeredRuns',
    });
    expect(create.responses['202']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/Task',
    });
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['413', '422']));
    // Only routes that take uploads say so.
    const tasks = document.paths['/tasks']!.post as typeof create;
    expect(Object.keys(tasks.requestBody.content)).toEqual(['application/json']);
  });

  it('describes tasks and files as clients get them, signed URLs and no storage keys', () => {
    const file = document.components.schemas.File as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(file.required).toEqual(expect.arrayContaining(['id', 'object', 'url', 'kind']));
    expect(file.properties).not.toHaveProperty('storage_key');
    expect(file.properties).not.toHaveProperty('project_id');
    // The /files routes add the runs a file's triggers started; files inside a task do not carry them.
    expect(file.properties).not.toHaveProperty('triggered_runs');
    const withRuns = document.components.schemas.FileWithTriggeredRuns as typeof file;
    expect(withRuns.required).toEqual(expect.arrayContaining(['url', 'triggered_runs']));
    expect(withRuns.properties).not.toHaveProperty('storage_key');
    expect(document.components.schemas).not.toHaveProperty('TaskRecord');
    const get = document.paths['/tasks/{id}']!.get as {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    expect(get.responses['200']!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/Task',
    });
    const created = document.components.schemas.CreatedProjectWithWebhookSecret as {
      properties: { project: unknown };
    };
    expect(created.properties.project).toEqual({
      $ref: '#/components/schemas/ProjectWithWebhookSecret',
    });
    expect(
      (document.components.schemas.ProjectWithWebhookSecret as { required: string[] }).required,
    ).toContain('webhook_secret');
  });

  /** Each operation of the document, with its method and path. */
  function operations(): { route: string; method: string; path: string; op: Operation }[] {
    return Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        route: `${method} ${path}`,
        method,
        path,
        op: op as Operation,
      })),
    );
  }

  it('lists what a route answers before its own code: 400 for a bad path, 413 and 415 for a body it takes or not', () => {
    const missing: string[] = [];
    for (const { route, method, path, op } of operations()) {
      const statuses = Object.keys(op.responses);
      const due = [
        ...(path.includes('{') ? ['400'] : []),
        ...(method === 'get' ? [] : ['413']),
        // An upload route takes any type: it never answers 415.
        ...(method === 'get' || op.requestBody?.content['application/octet-stream'] ? [] : ['415']),
      ];
      for (const status of due) if (!statuses.includes(status)) missing.push(`${route} ${status}`);
    }
    expect(missing).toEqual([]);
    const cancel = document.paths['/tasks/{id}/cancel']!.post as Operation;
    expect(cancel.responses['415']!.description).toBe(
      'A body that is not JSON: this route takes none (a JSON one is read and ignored)',
    );
  });

  it('closes every request body, as the server refuses unknown fields', () => {
    const open: string[] = [];
    for (const { route, op } of operations()) {
      const schema = op.requestBody?.content['application/json']?.schema as { $ref?: string };
      if (!schema) continue;
      const component = document.components.schemas[schema.$ref!.split('/').pop()!]!;
      if (component.additionalProperties !== false) open.push(route);
    }
    expect(open).toEqual([]);
  });

  it('has no allOf of closed objects, which no value can match', () => {
    const unmatchable: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${at}/${i}`));
      else if (node && typeof node === 'object') {
        const allOf = (node as { allOf?: unknown[] }).allOf;
        const closed = (allOf ?? []).filter((part) => {
          const ref = (part as { $ref?: string }).$ref;
          const schema = ref ? resolvePointer(document, ref) : part;
          return (schema as { additionalProperties?: unknown }).additionalProperties === false;
        });
        if (closed.length > 1) unmatchable.push(at);
        for (const [key, value] of Object.entries(node)) visit(value, `${at}/${key}`);
      }
    };
    visit(document, '#');
    expect(unmatchable).toEqual([]);
  });

  it("describes a task's output file with the files a thumbnails track links", () => {
    const output = document.components.schemas.TaskOutputFile as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    const file = document.components.schemas.File as { properties: Record<string, unknown> };
    expect(Object.keys(output.properties)).toEqual([...Object.keys(file.properties), 'files']);
    expect(output.properties.files).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/File' },
    });
  });

  it('documents Last-Event-ID as each stream reads it: an event id, or anything', () => {
    const header = (path: string) =>
      (document.paths[path]!.get as Operation).parameters!.find((p) => p.name === 'Last-Event-ID')!;
    // The project's stream refuses anything else with a 400; a task's starts over.
    expect(header('/events/stream').schema).toEqual({
      type: 'string',
      pattern: '^evt_[a-z0-9]{16}$',
    });
    expect(header('/tasks/{id}/events').schema).toEqual({ type: 'string' });
  });
});
