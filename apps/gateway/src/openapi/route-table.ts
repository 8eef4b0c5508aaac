import {
  ApiKeyListSchema,
  AutomationListQuerySchema,
  AutomationListSchema,
  AutomationSchema,
  CreateApiKeyBodySchema,
  CreateAutomationBodySchema,
  CreatedProjectSchema,
  CreateProjectBodySchema,
  DeletedApiKeySchema,
  DeletedAutomationSchema,
  ErrorEnvelopeSchema,
  NewApiKeySchema,
  PageQuerySchema,
  UpdateAutomationBodySchema,
} from '@mediaflow/contracts';
import { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export interface ResponseSpec {
  status: number;
  description: string;
  /** A contract schema (named by its `.meta({ id })`) or a small inline one. */
  schema?: z.ZodType;
  /** Default `application/json` when a schema is given. */
  contentType?: string;
}

/** One documented route: what the OpenAPI document is generated from. */
export interface RouteSpec {
  method: HttpMethod;
  /** As the controllers declare it (`/automations/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Answered without an API key. */
  public?: boolean;
  body?: z.ZodType;
  /** Default true when there is a body schema. */
  bodyRequired?: boolean;
  query?: z.ZodObject;
  responses: ResponseSpec[];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: the details name the JSON path of every problem',
  401: 'No API key, or an unknown or revoked one',
  403: 'The key may not do this',
  404: "No such object in the caller's project",
  413: 'The body is larger than 256 KB',
  415: 'The body is not JSON',
  503: 'A service the gateway depends on is not answering',
};

function errors(...statuses: number[]): ResponseSpec[] {
  return statuses.map((status) => ({
    status,
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    schema: ErrorEnvelopeSchema,
  }));
}

/** What every route with a JSON body can answer besides its own errors. */
const BODY_ERRORS = [400, 401, 413, 415];

const HealthSchema = z.object({ status: z.literal('ok') });
const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.string()).describe('`ok`, or why the dependency is not answering'),
});

/**
 * Every route the gateway serves, documented. A unit test holds it equal to
 * the controllers' own route metadata, so the document cannot drift.
 */
export const GATEWAY_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/projects',
    operationId: 'createProject',
    summary: 'Create a project and its first API key',
    description: "Admin keys only. The new key's secret is shown once, in this answer.",
    tag: 'Projects',
    body: CreateProjectBodySchema,
    responses: [
      { status: 201, description: 'The project and its first key', schema: CreatedProjectSchema },
      ...errors(...BODY_ERRORS, 403),
    ],
  },
  {
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: "List the caller's project's active API keys",
    description: 'Never their secrets: `secret_hint` holds the last characters to tell them apart.',
    tag: 'API keys',
    query: PageQuerySchema,
    responses: [
      { status: 200, description: 'A page of keys, newest first', schema: ApiKeyListSchema },
      ...errors(400, 401),
    ],
  },
  {
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: "Create an API key in the caller's project",
    description: 'The secret is shown once, in this answer.',
    tag: 'API keys',
    body: CreateApiKeyBodySchema,
    bodyRequired: false,
    responses: [
      { status: 201, description: 'The new key, with its secret', schema: NewApiKeySchema },
      ...errors(...BODY_ERRORS),
    ],
  },
  {
    method: 'delete',
    path: '/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'The key stops working at once.',
    tag: 'API keys',
    responses: [
      { status: 200, description: 'Revoked', schema: DeletedApiKeySchema },
      ...errors(401, 404),
    ],
  },
  {
    method: 'post',
    path: '/automations',
    operationId: 'createAutomation',
    summary: 'Create an automation',
    description:
      '`name` and `workflow` are required; `status` defaults to `active`. Options may also be written flat beside `kind`.',
    tag: 'Automations',
    body: CreateAutomationBodySchema,
    responses: [
      { status: 201, description: 'The automation', schema: AutomationSchema },
      ...errors(...BODY_ERRORS, 503),
    ],
  },
  {
    method: 'get',
    path: '/automations',
    operationId: 'listAutomations',
    summary: 'List automations, newest first',
    tag: 'Automations',
    query: AutomationListQuerySchema,
    responses: [
      { status: 200, description: 'A page of automations', schema: AutomationListSchema },
      ...errors(400, 401, 503),
    ],
  },
  {
    method: 'get',
    path: '/automations/:id',
    operationId: 'getAutomation',
    summary: 'Get an automation',
    tag: 'Automations',
    responses: [
      { status: 200, description: 'The automation', schema: AutomationSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'patch',
    path: '/automations/:id',
    operationId: 'updateAutomation',
    summary: 'Update an automation',
    description:
      'A partial update of name, description, workflow and status. Runs already started keep their workflow.',
    tag: 'Automations',
    body: UpdateAutomationBodySchema,
    responses: [
      { status: 200, description: 'The updated automation', schema: AutomationSchema },
      ...errors(...BODY_ERRORS, 404, 503),
    ],
  },
  {
    method: 'delete',
    path: '/automations/:id',
    operationId: 'deleteAutomation',
    summary: 'Delete an automation',
    description: 'Runs already started keep going.',
    tag: 'Automations',
    responses: [
      { status: 200, description: 'Deleted', schema: DeletedAutomationSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness: the process is up',
    tag: 'Service',
    public: true,
    responses: [{ status: 200, description: 'Alive', schema: HealthSchema }],
  },
  {
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    summary: 'Readiness: NATS and PostgreSQL answer',
    tag: 'Service',
    public: true,
    responses: [
      { status: 200, description: 'Ready', schema: ReadinessSchema },
      { status: 503, description: 'A dependency is not answering', schema: ReadinessSchema },
    ],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tag: 'Service',
    public: true,
    responses: [{ status: 200, description: 'Prometheus text format', contentType: 'text/plain' }],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    tag: 'Service',
    public: true,
    responses: [{ status: 200, description: 'OpenAPI 3.1', contentType: 'application/json' }],
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Interactive API documentation (Swagger UI)',
    tag: 'Service',
    public: true,
    responses: [{ status: 200, description: 'An HTML page', contentType: 'text/html' }],
  },
];
