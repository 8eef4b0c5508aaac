import {
  CreatedProjectWithWebhookSecretSchema,
  ProjectWithLimitsSchema,
  UpdateProjectBodySchema,
  WebhookSecretSchema,
} from '@mediaflow/contracts';
import {
  ApiKeyListSchema,
  AutomationListQuerySchema,
  AutomationListSchema,
  AutomationSchema,
  CreateApiKeyBodySchema,
  CreateAutomationBodySchema,
  CreateProjectBodySchema,
  CreateTaskBodySchema,
  CreateWebhookEndpointBodySchema,
  DeletedApiKeySchema,
  DeletedAutomationSchema,
  DeletedFileSchema,
  DeletedWebhookEndpointSchema,
  ErrorEnvelopeSchema,
  EventListQuerySchema,
  FileListQuerySchema,
  FileListSchema,
  FileWithTriggeredRunsSchema,
  idSchema,
  IngestFileBodySchema,
  LoggedEventListSchema,
  LoggedEventSchema,
  NewApiKeySchema,
  PageQuerySchema,
  ProjectEventSchema,
  RedeliverEventBodySchema,
  RunAutomationBodySchema,
  TaskListQuerySchema,
  TaskListSchema,
  TaskObjectSchema,
  UpdateAutomationBodySchema,
  UpdateWebhookEndpointBodySchema,
  UploadQuerySchema,
  WebhookEndpointListQuerySchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from '@mediaflow/contracts';
import { z } from 'zod';
import { EventStreamQuerySchema } from '../events/event-stream-query';
import { UNAVAILABLE_RETRY_AFTER_S } from '../http/error-envelope.filter';
import { SignedContentQuerySchema } from '../files/signed-file-url';
import { MAX_PREFER_WAIT_S, PREFERENCE_APPLIED_HEADER } from '../tasks/prefer-wait';
import { PROJECT_LIMITS_FRESH_MS } from '../projects/project-limits-cache';
import {
  DEFAULT_AUTH_FAILURE_LIMIT,
  DEFAULT_AUTH_FAILURE_WINDOW_S,
  DEFAULT_RATE_LIMIT_WINDOW_S,
  DEFAULT_RUNS_IN_FLIGHT,
  DEFAULT_REQUESTS_PER_SECOND,
  RATE_LIMIT_HEADERS,
  RETRY_AFTER_HEADER,
  policyText,
  projectQuota,
} from '../rate-limits/rate-limit-policy';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

export interface ResponseSpec {
  status: number;
  description: string;
  /** A contract schema (named by its `.meta({ id })`) or a small inline one. */
  schema?: z.ZodType;
  /** Default `application/json` when a schema is given. */
  contentType?: string;
  /** Headers of this answer (besides `Idempotent-Replayed`, which every idempotent route's 2xx has). */
  headers?: ResponseHeaderSpec[];
}

export interface RequestHeaderSpec {
  name: string;
  description: string;
  /** What the route takes; default any string. */
  schema?: z.ZodType;
}

export interface ResponseHeaderSpec {
  name: string;
  description: string;
  /** Default `string`. */
  type?: 'string' | 'integer';
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
  /** Public to the guard, but needs an API key or a signed URL's query (file downloads). */
  signedAccess?: boolean;
  /** Honours `Idempotency-Key` (docs/http-api.md, Idempotency). */
  idempotent?: boolean;
  /** Request headers the route reads, besides the key. */
  headers?: RequestHeaderSpec[];
  body?: z.ZodType;
  /** Default true when there is a body schema. */
  bodyRequired?: boolean;
  /** Also takes a file's bytes instead of JSON: multipart/form-data (its first file part) or a raw body of any other type. */
  upload?: boolean;
  query?: z.ZodObject;
  responses: ResponseSpec[];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: the details name the JSON path of every problem',
  401: 'No API key, or an unknown or revoked one',
  403: 'The key may not do this',
  404: "No such object in the caller's project",
  409: 'Conflict: the object is not in a state that allows this, or the Idempotency-Key was used otherwise',
  410: '`event_expired`: the event log no longer has the Last-Event-ID',
  413: 'The body is larger than 256 KB',
  415: 'The body is not JSON',
  503: 'A service the gateway depends on is not answering',
};

/** On every 503 the gateway answers (not on `/ready`, which is for probes). */
const RETRY_AFTER: ResponseHeaderSpec = {
  name: 'Retry-After',
  description: `Seconds to wait before trying again (${UNAVAILABLE_RETRY_AFTER_S})`,
  type: 'integer',
};

function errors(...statuses: number[]): ResponseSpec[] {
  return statuses.map((status) => ({
    status,
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    schema: ErrorEnvelopeSchema,
    ...(status === 503 ? { headers: [RETRY_AFTER] } : {}),
  }));
}

/** What every route with a JSON body can answer besides its own errors. */
const BODY_ERRORS = [400, 401, 413, 415];

/** The header a browser's EventSource sends when it reconnects: the `id:` of the last event it had. */
const LAST_EVENT_ID = {
  /** A task's stream: anything but an id of its kept events starts it over. */
  lenient: {
    name: 'Last-Event-ID',
    description:
      'The `id:` of the last event received before a cut: the stream resumes after it. Any other ' +
      'value, or an id the log no longer has, starts the stream over',
  },
  /** The project's stream: refused when it is no event id, 410 when the log no longer has it. */
  strict: {
    name: 'Last-Event-ID',
    description:
      'The `id:` of the last event received before a cut: the stream resumes after it. A value that is ' +
      'no event id is a 400',
    schema: idSchema('evt'),
  },
} satisfies Record<string, RequestHeaderSpec>;

/** `Prefer: wait=N` on the routes that make a task, and what it answers. */
const PREFER_WAIT = {
  header: {
    name: 'Prefer',
    description:
      `\`wait=N\` (RFC 7240): answer once the task has ended (completed, failed, skipped or cancelled), ` +
      `waiting at most N seconds (${MAX_PREFER_WAIT_S} at most; a longer wait is held to it). A malformed ` +
      'one, or `wait=0`, is ignored. Other preferences are ignored.',
  },
  created: (what: string) => ({
    status: 201,
    description:
      `${what}: at once, or with \`Prefer: wait=N\` as it is once it has ended (with ` +
      '`Preference-Applied: wait=N`) or, still running, when the N seconds have passed',
    schema: TaskObjectSchema,
    headers: [
      {
        name: PREFERENCE_APPLIED_HEADER,
        description: '`wait=N` when the answer is the task ended within the wait asked for',
      },
    ],
  }),
};

const DEFAULT_POLICY = policyText(
  projectQuota(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_RATE_LIMIT_WINDOW_S),
);

/**
 * The 429 of every route that takes a key: the project's request limit, or
 * the caller's address refused for its failed authentications.
 */
const RATE_LIMITED: ResponseSpec = {
  status: 429,
  description:
    '`rate_limited`: the project is over its requests per window, or this address over its failed ' +
    'authentications, or (on a request that creates a run, a task or a file) the project has its limit ' +
    'of runs in flight (see `PATCH /projects/{id}`); try again after `Retry-After` seconds',
  schema: ErrorEnvelopeSchema,
  headers: [
    {
      name: RETRY_AFTER_HEADER,
      description:
        'Seconds until the window ends, when the request may be made again; for runs in flight, ' +
        `${UNAVAILABLE_RETRY_AFTER_S} s, when some may have ended`,
      type: 'integer',
    },
    {
      name: RATE_LIMIT_HEADERS.limit,
      description:
        "Requests the project may make per window: its requests per second × the window's seconds. " +
        'The `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers-07) are on every answer to an ' +
        'authenticated request; not on a 429 for failed authentications, which comes before the key is read',
      type: 'integer',
    },
    {
      name: RATE_LIMIT_HEADERS.remaining,
      description: 'Requests left in the current window',
      type: 'integer',
    },
    {
      name: RATE_LIMIT_HEADERS.reset,
      description: 'Seconds until the current window ends',
      type: 'integer',
    },
    {
      name: RATE_LIMIT_HEADERS.policy,
      description: `The quota, as \`<requests>;w=<window seconds>\`: \`${DEFAULT_POLICY}\` by default`,
    },
  ],
};

/** The 429 of a signed download: no project is known before the signature is checked. */
const ADDRESS_REFUSED: ResponseSpec = {
  status: 429,
  description:
    '`rate_limited`: this address is over its failed authentications (see `PATCH /projects/{id}`): a ' +
    'key or a signature from it is not checked until `Retry-After` seconds have passed',
  schema: ErrorEnvelopeSchema,
  headers: [
    {
      name: RETRY_AFTER_HEADER,
      description: 'Seconds until the window ends',
      type: 'integer',
    },
  ],
};

/** What a route answers before its own code runs, when it does not list the status already. */
const FRAMEWORK_ERRORS = {
  /** The router decodes path parameters: `%FF` or `%C0%80` is no UTF-8. */
  badPath: {
    status: 400,
    description:
      'Bad input: a path parameter that is not UTF-8 once percent-decoded, or holds NUL or an unpaired surrogate',
    schema: ErrorEnvelopeSchema,
  },
  /** Fastify reads the body of every POST, PATCH and DELETE, whether the route takes one or not. */
  tooLarge: {
    status: 413,
    description: 'A body over 256 KB: this route takes none',
    schema: ErrorEnvelopeSchema,
  },
  notJson: {
    status: 415,
    description: 'A body that is not JSON: this route takes none (a JSON one is read and ignored)',
    schema: ErrorEnvelopeSchema,
  },
} satisfies Record<string, ResponseSpec>;

/**
 * The statuses of {@link FRAMEWORK_ERRORS} on the routes that can answer
 * them, so that a route's list is complete: 400 on those with a path
 * parameter, 413 and 415 on every POST, PATCH and DELETE (an upload route
 * takes any type: no 415).
 */
function withFrameworkErrors(routes: readonly RouteSpec[]): readonly RouteSpec[] {
  return routes.map((route) => {
    const listed = new Set(route.responses.map((r) => r.status));
    const added: ResponseSpec[] = [];
    if (route.path.includes(':')) added.push(FRAMEWORK_ERRORS.badPath);
    if (route.method !== 'get') {
      added.push(FRAMEWORK_ERRORS.tooLarge);
      if (!route.upload) added.push(FRAMEWORK_ERRORS.notJson);
    }
    const missing = added.filter((r) => !listed.has(r.status));
    return missing.length ? { ...route, responses: [...route.responses, ...missing] } : route;
  });
}

/** The answers routes have in common: {@link withRateLimits}, {@link withFrameworkErrors}. */
function withCommonAnswers(routes: readonly RouteSpec[]): readonly RouteSpec[] {
  return withFrameworkErrors(withRateLimits(routes));
}

/** Every route a key or a signature opens can answer 429; the probes and the document never do. */
function withRateLimits(routes: readonly RouteSpec[]): readonly RouteSpec[] {
  return routes.map((route) => {
    if (route.public && !route.signedAccess) return route;
    const limited = route.signedAccess ? ADDRESS_REFUSED : RATE_LIMITED;
    return { ...route, responses: [...route.responses, limited] };
  });
}

const HealthSchema = z.object({
  status: z.literal('ok'),
  /** MEDIAFLOW_INSTANCE_ID, when the process was given one: how `pnpm start:services` knows its own. */
  instance: z.string().optional(),
});
const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.string()).describe('`ok`, or why the dependency is not answering'),
});

/**
 * Every route the gateway serves, documented. A unit test holds it equal to
 * the controllers' own route metadata, so the document cannot drift.
 */
export const GATEWAY_ROUTES: readonly RouteSpec[] = withCommonAnswers([
  {
    method: 'post',
    path: '/projects',
    operationId: 'createProject',
    summary: 'Create a project and its first API key',
    description:
      "Admin keys only. The new key's secret is shown once, in this answer; the project's webhook secret " +
      'is in it too, and `GET /webhook-secret` shows it again. With `Idempotency-Key` the answer, secret ' +
      'included, is kept for the replay (to admin keys only), committed with the project: a retry gets ' +
      'the same project and key.',
    tag: 'Projects',
    idempotent: true,
    body: CreateProjectBodySchema,
    responses: [
      {
        status: 201,
        description: 'The project, with its webhook secret, and its first key',
        schema: CreatedProjectWithWebhookSecretSchema,
      },
      ...errors(...BODY_ERRORS, 403, 409),
    ],
  },
  {
    method: 'get',
    path: '/projects/:id',
    operationId: 'getProject',
    summary: 'Get a project, with its limits',
    description:
      'An admin key reads any project; another key only its own. A limit is `null` where the gateway ' +
      'default applies (MEDIAFLOW_RATE_LIMIT_RPS, MEDIAFLOW_RUNS_IN_FLIGHT).',
    tag: 'Projects',
    responses: [
      { status: 200, description: 'The project', schema: ProjectWithLimitsSchema },
      ...errors(401, 404),
    ],
  },
  {
    method: 'patch',
    path: '/projects/:id',
    operationId: 'updateProject',
    summary: "Change a project's limits",
    description:
      'Admin keys only. `limits.requests_per_second` is how many requests per second the project may ' +
      `make, averaged over a window of MEDIAFLOW_RATE_LIMIT_WINDOW_S seconds (${DEFAULT_RATE_LIMIT_WINDOW_S} by ` +
      'default): rps × window requests per window, a burst of all of them included; past them every ' +
      'request of the project answers 429 until the window ends. `null` goes back to the default ' +
      `(MEDIAFLOW_RATE_LIMIT_RPS, ${DEFAULT_REQUESTS_PER_SECOND} unless set). Applies from the next request on the ` +
      `gateway that took the change, within ${PROJECT_LIMITS_FRESH_MS / 1000} s on the others; the window ` +
      'under way keeps what it has counted. Every replica counts into the same window. Every answer to an ' +
      'authenticated request says where the project stands: `RateLimit-Limit` (requests per window), ' +
      '`RateLimit-Remaining`, `RateLimit-Reset` (seconds until the window ends) and `RateLimit-Policy` ' +
      `(\`${DEFAULT_POLICY}\` by default), as draft-ietf-httpapi-ratelimit-headers-07 names them; a 429 ` +
      'adds `Retry-After`. Apart from these, each 401 counts against the address it answers (behind a ' +
      `proxy, the proxy's): past MEDIAFLOW_AUTH_FAILURE_LIMIT (${DEFAULT_AUTH_FAILURE_LIMIT}) in ` +
      `MEDIAFLOW_AUTH_FAILURE_WINDOW_S (${DEFAULT_AUTH_FAILURE_WINDOW_S} s), the address's requests answer ` +
      '429 with `Retry-After`, before their key is looked at, until the window ends. ' +
      '`limits.runs_in_flight` is how many runs, single tasks and file ingests the project may have not ' +
      'yet ended; past it, a request that would create one answers 429 `rate_limited` with `Retry-After` ' +
      `(\`null\`: MEDIAFLOW_RUNS_IN_FLIGHT, ${DEFAULT_RUNS_IN_FLIGHT} unless set). Whatever the limits, ` +
      "each task kind's queue is shared fairly: a project with a backlog waits its turn behind a project " +
      'with one task, rather than the other way round.',
    tag: 'Projects',
    body: UpdateProjectBodySchema,
    responses: [
      { status: 200, description: 'The project, with its limits', schema: ProjectWithLimitsSchema },
      ...errors(...BODY_ERRORS, 403, 404),
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
    description:
      'The secret is shown once, in this answer. With `Idempotency-Key` the answer, secret included, is ' +
      'kept for the replay, committed with the key: a retry gets the same key and secret.',
    tag: 'API keys',
    idempotent: true,
    body: CreateApiKeyBodySchema,
    bodyRequired: false,
    responses: [
      { status: 201, description: 'The new key, with its secret', schema: NewApiKeySchema },
      ...errors(...BODY_ERRORS, 409),
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
      '`name` and `workflow` are required; `status` defaults to `active`. Options may also be written flat beside `kind`. ' +
      'With a `trigger` (`{ "kind": "event", "event": "file.created", "conditions": [ … ] }`), the automation also runs ' +
      'by itself on every file `POST /files` stores that meets the conditions (the grammar of a `conditions` step), ' +
      'while it is active; without one (`null`, the default) it runs on demand only. A bad trigger is a 400 naming ' +
      'its paths, like a bad workflow.',
    tag: 'Automations',
    idempotent: true,
    body: CreateAutomationBodySchema,
    responses: [
      { status: 201, description: 'The automation', schema: AutomationSchema },
      ...errors(...BODY_ERRORS, 409, 503),
    ],
  },
  {
    method: 'get',
    path: '/automations',
    operationId: 'listAutomations',
    summary: 'List automations, newest first',
    description:
      'Names are not unique: `name` lists every automation with exactly that name (case-sensitive), ' +
      'the newest first; with `status`, those of them in that status.',
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
      'A partial update of name, description, workflow, trigger and status (`"trigger": null` removes the trigger; ' +
      '`"status": "paused"` stops it firing). Runs already started keep their workflow.',
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
    method: 'post',
    path: '/automations/:id/run',
    operationId: 'runAutomation',
    summary: 'Run an automation on a URL or a stored file',
    description:
      'Exactly one of `url` and `file_id`. The run is a task of kind `workflow` whose steps are the ' +
      "automation's workflow as it is now; later edits never change it. A paused automation answers 409. " +
      'With `Prefer: wait=N` the answer waits, up to N seconds, for the run to end. An automation with a ' +
      '`trigger` also runs by itself on each file `POST /files` stores that meets it (see `triggered_runs`).',
    tag: 'Tasks',
    idempotent: true,
    headers: [PREFER_WAIT.header],
    body: RunAutomationBodySchema,
    responses: [PREFER_WAIT.created('The new run'), ...errors(...BODY_ERRORS, 404, 409, 503)],
  },
  {
    method: 'post',
    path: '/tasks',
    operationId: 'createTask',
    summary: 'Run one task, or an ad-hoc workflow, on a URL or a stored file',
    description:
      'Exactly one of `url` and `file_id`. With `kind: "workflow"`, `workflow` is required and checked like an ' +
      "automation's; with any other kind, `options` are that kind's options (see its `<Kind>Options` schema). " +
      'With `Prefer: wait=N` the answer waits, up to N seconds, for the task to end: what a chat app wants ' +
      'for a thumbnail.',
    tag: 'Tasks',
    idempotent: true,
    headers: [PREFER_WAIT.header],
    body: CreateTaskBodySchema,
    responses: [PREFER_WAIT.created('The new task'), ...errors(...BODY_ERRORS, 404, 409, 503)],
  },
  {
    method: 'get',
    path: '/tasks',
    operationId: 'listTasks',
    summary: 'List tasks, newest first',
    tag: 'Tasks',
    query: TaskListQuerySchema,
    responses: [
      { status: 200, description: 'A page of tasks', schema: TaskListSchema },
      ...errors(400, 401, 503),
    ],
  },
  {
    method: 'get',
    path: '/tasks/:id',
    operationId: 'getTask',
    summary: 'Get a task',
    description:
      'A `workflow` task (a run) holds its steps as a tree under `workflow`, each with its status and output.',
    tag: 'Tasks',
    responses: [
      { status: 200, description: 'The task', schema: TaskObjectSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'post',
    path: '/tasks/:id/cancel',
    operationId: 'cancelTask',
    summary: 'Cancel a pending or processing task and its subtree',
    tag: 'Tasks',
    responses: [
      { status: 200, description: 'The task, cancelled', schema: TaskObjectSchema },
      ...errors(401, 404, 409, 503),
    ],
  },
  {
    method: 'post',
    path: '/tasks/:id/retry',
    operationId: 'retryTask',
    summary: 'Run again what failed or was cancelled, keeping what completed',
    description:
      'On an ended run (failed or cancelled): runs again only its failed and cancelled steps and the steps ' +
      'skipped because of them (`upstream_failed`, or `source_failed`: its source is fetched again), each on ' +
      'the input it had; completed steps keep their outputs and files, and steps skipped for another reason ' +
      'stay skipped. On a step of an ended run: that step and its subtree only. On a task on its own, or a ' +
      "stored file's ingest from a URL: it runs again. Each task retried gets a new attempt (`attempts` " +
      '+1, the earlier ones in `attempt_history`) and a fresh budget of automatic retries; a run counts its ' +
      'retries in `attempts`, and its webhook is sent again when it ends again. 409 while the run is still ' +
      'processing, when nothing in it failed or was cancelled, or when an input it needs was deleted. ' +
      'With `Prefer: wait=N` the answer waits, up to N seconds, for it to end again.',
    tag: 'Tasks',
    idempotent: true,
    headers: [PREFER_WAIT.header],
    responses: [
      {
        ...PREFER_WAIT.created('The task, running again'),
        status: 200,
      },
      ...errors(401, 404, 409, 503),
    ],
  },
  {
    method: 'get',
    path: '/tasks/:id/events',
    operationId: 'streamTaskEvents',
    summary: "Follow a task's status and progress (Server-Sent Events)",
    description:
      'One event for the task, and for each step of a run, at once, then one each time one of them ' +
      'changes, as the scheduler makes the change: `event:` is its type (`task.created`, `task.started`, ' +
      '`task.progress`, `task.completed`, `task.failed`, `task.cancelled`, `task.skipped`), `id:` its id ' +
      '(the same for the same change, on every stream), and `data:` the [Event](#schema-event) ' +
      '`{ id, type, created_at, data }`, `data` being the task (or step) as `GET /tasks/{id}` shows it. ' +
      '`task.progress` has no `id:` line: the event log does not keep it. After a cut, reconnect with ' +
      '`Last-Event-ID` (browsers do): the kept events since come first, then whatever else differs, so ' +
      'nothing is missed, and an event you had may come again with the same id. An id the log no longer ' +
      "has starts the stream over. The stream ends after the task's final event. A scheduler error ends " +
      'it with `event: error` and the error envelope, and so does revoking the key it was opened with ' +
      '(`unauthorized`, within a second). A comment line every 15 s keeps it open through proxies.',
    tag: 'Tasks',
    headers: [LAST_EVENT_ID.lenient],
    responses: [
      {
        status: 200,
        description: 'An event stream',
        contentType: 'text/event-stream',
        schema: ProjectEventSchema,
      },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'get',
    path: '/events/stream',
    operationId: 'streamProjectEvents',
    summary: "Follow every task of the project, or one task's or automation's (Server-Sent Events)",
    description:
      'One connection for everything a dashboard shows: each event of the project from now on (one committed in the instant before it opened may come too: its id tells), in the ' +
      'order the scheduler made the changes, as `GET /tasks/{id}/events` sends them (`event:`, `id:`, and ' +
      'the [Event](#schema-event) envelope), and the events of its files (`file.created`, `file.deleted`: ' +
      '`data` is the file) and automations (`automation.created`, `automation.updated`, ' +
      '`automation.deleted`: `data` is the automation), as `GET /events` lists them. `task.created`, ' +
      '`task.started`, the final types and those of files and automations are kept ' +
      "in the project's event log (MEDIAFLOW_EVENT_RETENTION_HOURS, default MEDIAFLOW_RETENTION_DAYS, 30 days); `task.progress` is " +
      'sent as it happens, without an `id:` line, and not kept. Reconnect with `Last-Event-ID` to get every ' +
      'kept event after it, once, in order; one the log no longer has answers 410 `event_expired`: read ' +
      'the tasks, then follow without it. The stream never ends by itself; revoking the key it was opened ' +
      'with ends it within a second, with `event: error` (`unauthorized`).',
    tag: 'Events',
    headers: [LAST_EVENT_ID.strict],
    query: EventStreamQuerySchema,
    responses: [
      {
        status: 200,
        description: 'An event stream',
        contentType: 'text/event-stream',
        schema: ProjectEventSchema,
      },
      ...errors(400, 401, 404, 410, 503),
    ],
  },
  {
    method: 'get',
    path: '/events',
    operationId: 'listEvents',
    summary: "List the project's event log, newest first, with each event's deliveries",
    description:
      'The events `GET /events/stream` sends, with the same ids and envelope (`id`, `type`, `created_at`, ' +
      '`data`): the kept task types, `file.created` (a file `POST /files` stored), `file.deleted`, and ' +
      '`automation.created`, `automation.updated`, `automation.deleted`; kept MEDIAFLOW_EVENT_RETENTION_HOURS ' +
      '(default 30 days, MEDIAFLOW_RETENTION_DAYS). Each comes with its deliveries to webhook endpoints: the endpoint, every POST ' +
      '(its HTTP status, duration and error) and when the next one will be. `task_id` means the task and, ' +
      "for a run, its steps; `automation_id` the automation's own events and its runs'.",
    tag: 'Events',
    query: EventListQuerySchema,
    responses: [
      { status: 200, description: 'A page of events', schema: LoggedEventListSchema },
      ...errors(400, 401, 404, 503),
    ],
  },
  {
    method: 'get',
    path: '/events/:id',
    operationId: 'getEvent',
    summary: 'Get an event of the log, with its deliveries',
    tag: 'Events',
    responses: [
      { status: 200, description: 'The event', schema: LoggedEventSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'post',
    path: '/events/:id/redeliver',
    operationId: 'redeliverEvent',
    summary: 'Deliver an event again',
    description:
      'A new delivery (retried for a day of its own) to every active webhook endpoint that asks for the ' +
      "event's type, or with `endpoint_id` to that one endpoint whatever types it asks for. The body is the " +
      'same event, with the same id: a receiver that deduplicates on `Mediaflow-Event-Id` sees it once. ' +
      '409 when no active endpoint asks for the type, or the one named is paused. With ' +
      '`Idempotency-Key` a repeat gets the first answer and delivers nothing more. A retry of a first try ' +
      'that got no answer redelivers again (after a 5xx at once; after a gateway that died mid-request, ' +
      '409 for 5 minutes, then): a receiver deduplicates on the event id.',
    tag: 'Events',
    idempotent: true,
    body: RedeliverEventBodySchema,
    bodyRequired: false,
    responses: [
      {
        status: 202,
        description: 'The event, with its deliveries, the new ones `pending`',
        schema: LoggedEventSchema,
      },
      ...errors(...BODY_ERRORS, 404, 409, 503),
    ],
  },
  {
    method: 'post',
    path: '/webhooks/endpoints',
    operationId: 'createWebhookEndpoint',
    summary: 'Register a webhook endpoint',
    description:
      'Every event of the project\'s log whose type the endpoint asks for (`enabled_events`, `["*"]` for ' +
      'all) is POSTed to `url` as the JSON envelope `{ id, type, created_at, data }`, signed like per-task ' +
      'webhooks (`Mediaflow-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`) with the endpoint\'s own ' +
      'secret, shown in this answer only, and with `Mediaflow-Event-Id` to deduplicate on: delivery is at ' +
      'least once. A delivery answered other than 2xx (redirects are not followed), or not within ' +
      'MEDIAFLOW_WEBHOOK_TIMEOUT_MS, is retried with backoff (1 s doubling to an hour) for a day; then it has ' +
      'failed and the endpoint is marked `failing` until one is delivered. `url` is held to the address rules ' +
      'of ingest (private and loopback addresses only when MEDIAFLOW_ALLOWED_HOSTS allows them): 400 for an ' +
      'address that is refused, or a name all of whose addresses are. Signatures, retries and the event ' +
      'types: docs/webhooks.md. With `Idempotency-Key` a retry gets the same endpoint and its secret.',
    tag: 'Webhooks',
    idempotent: true,
    body: CreateWebhookEndpointBodySchema,
    responses: [
      {
        status: 201,
        description: 'The endpoint, with its signing secret (shown this once)',
        schema: WebhookEndpointWithSecretSchema,
      },
      ...errors(...BODY_ERRORS, 409, 503),
    ],
  },
  {
    method: 'get',
    path: '/webhooks/endpoints',
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints, newest first',
    description: 'Never their secrets.',
    tag: 'Webhooks',
    query: WebhookEndpointListQuerySchema,
    responses: [
      { status: 200, description: 'A page of endpoints', schema: WebhookEndpointListSchema },
      ...errors(400, 401, 503),
    ],
  },
  {
    method: 'get',
    path: '/webhooks/endpoints/:id',
    operationId: 'getWebhookEndpoint',
    summary: 'Get a webhook endpoint',
    tag: 'Webhooks',
    responses: [
      { status: 200, description: 'The endpoint', schema: WebhookEndpointSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'patch',
    path: '/webhooks/endpoints/:id',
    operationId: 'updateWebhookEndpoint',
    summary: "Change a webhook endpoint's URL, event types or status",
    description:
      '`paused`: nothing is delivered to it, and events kept meanwhile are not delivered to it later; ' +
      'deliveries made before wait until it is `active` again. A new `url` is checked as at creation and ' +
      'applies from the next POST, retries included.',
    tag: 'Webhooks',
    body: UpdateWebhookEndpointBodySchema,
    responses: [
      { status: 200, description: 'The endpoint', schema: WebhookEndpointSchema },
      ...errors(...BODY_ERRORS, 404, 503),
    ],
  },
  {
    method: 'delete',
    path: '/webhooks/endpoints/:id',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint',
    description: 'Its deliveries, pending ones included, go with it.',
    tag: 'Webhooks',
    responses: [
      { status: 200, description: 'Deleted', schema: DeletedWebhookEndpointSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'post',
    path: '/webhooks/endpoints/:id/rotate',
    operationId: 'rotateWebhookEndpointSecret',
    summary: "Rotate a webhook endpoint's signing secret",
    description:
      'A new secret, shown in this answer only, signs every POST from now on (retries of earlier ' +
      'deliveries included); the old one signs nothing more. With `Idempotency-Key` a repeat gets the ' +
      'first answer, its secret, and rotates nothing. A retry of a first try that got no answer rotates ' +
      'again (after a 5xx at once; after a gateway that died mid-request, 409 for 5 minutes, then), and ' +
      'answers the secret in force.',
    tag: 'Webhooks',
    idempotent: true,
    responses: [
      {
        status: 200,
        description: 'The endpoint, with its new secret',
        schema: WebhookEndpointWithSecretSchema,
      },
      ...errors(401, 404, 409, 503),
    ],
  },
  {
    method: 'post',
    path: '/files',
    operationId: 'createFile',
    summary: 'Upload a file, or fetch one from a URL, and store it probed',
    description:
      'Send the bytes as `multipart/form-data` (the first file part), or as the raw body with any other ' +
      'Content-Type (its name from `?filename=`, else Content-Disposition, else `upload`); or JSON ' +
      '`{ "url": "https://…", "filename"?: "…" }` to have it downloaded (private and loopback addresses only ' +
      'when MEDIAFLOW_ALLOWED_HOSTS allows them). Either way an `ingest` task probes and stores it, and the ' +
      "answer waits for it: 201 with the file, or the ingest's error (422 `input_unreadable`, " +
      '`input_forbidden`, …). An ingest still running after MEDIAFLOW_FILE_WAIT_MS (default 120 s) answers 202 ' +
      'with the `ingest` task instead: follow it with `GET /tasks/{id}`; its `output` is the file. The file ' +
      "starts a run of every active automation whose `trigger` it meets, made as the ingest completes: the 201's " +
      '`triggered_runs` lists them (after a 202, `GET /files/{id}` does). With ' +
      '`Idempotency-Key`, an upload is the same request when its media type, Content-Length and `filename` ' +
      'are: its bytes are not compared.',
    tag: 'Files',
    idempotent: true,
    body: IngestFileBodySchema,
    upload: true,
    query: UploadQuerySchema,
    responses: [
      {
        status: 201,
        description: 'The stored file, probed, with the runs its triggers started',
        schema: FileWithTriggeredRunsSchema,
      },
      {
        status: 202,
        description:
          'Still ingesting when the wait ran out: the `ingest` task, whose `output` will be the file',
        schema: TaskObjectSchema,
      },
      ...errors(400, 401, 409),
      {
        status: 413,
        description:
          'A JSON body over 256 KB, or an upload over MEDIAFLOW_MAX_UPLOAD_BYTES (default 2 GiB)',
        schema: ErrorEnvelopeSchema,
      },
      {
        status: 422,
        description:
          'The file cannot be ingested: `input_unreadable` (not media, or empty), `input_forbidden` (an ' +
          'address that is not allowed), `input_unreachable`, `input_too_slow` (a source that sends too little, too late), `input_too_large`',
        schema: ErrorEnvelopeSchema,
      },
      ...errors(503),
      { status: 504, description: 'The ingest timed out', schema: ErrorEnvelopeSchema },
    ],
  },
  {
    method: 'get',
    path: '/files',
    operationId: 'listFiles',
    summary: 'List files, newest first',
    tag: 'Files',
    query: FileListQuerySchema,
    responses: [
      { status: 200, description: 'A page of files', schema: FileListSchema },
      ...errors(400, 401, 503),
    ],
  },
  {
    method: 'get',
    path: '/files/:id',
    operationId: 'getFile',
    summary: "Get a file's metadata",
    description:
      '`url` is a signed download URL that works without a key until it expires. `triggered_runs`: the runs the ' +
      'file started when `POST /files` stored it.',
    tag: 'Files',
    responses: [
      { status: 200, description: 'The file', schema: FileWithTriggeredRunsSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'delete',
    path: '/files/:id',
    operationId: 'deleteFile',
    summary: 'Delete a file: its bytes and its record',
    tag: 'Files',
    responses: [
      { status: 200, description: 'Deleted', schema: DeletedFileSchema },
      ...errors(401, 404, 503),
    ],
  },
  {
    method: 'get',
    path: '/files/:id/content',
    operationId: 'downloadFile',
    summary: "Download a file's bytes",
    description:
      "With an API key, or without one through the file's signed `url` until it expires. " +
      'Supports one byte range (`Range: bytes=…`), `If-Range` and `If-None-Match`.',
    tag: 'Files',
    public: true,
    signedAccess: true,
    query: SignedContentQuerySchema,
    headers: [
      { name: 'Range', description: 'One byte range, e.g. `bytes=0-1023`' },
      {
        name: 'If-Range',
        description: 'The ETag the range is of; another one gets the whole file',
      },
      { name: 'If-None-Match', description: 'ETags the client has: a match answers 304' },
    ],
    responses: [
      { status: 200, description: 'The whole file', contentType: 'application/octet-stream' },
      { status: 206, description: 'The range asked for', contentType: 'application/octet-stream' },
      {
        status: 302,
        description:
          'With S3 storage and `MEDIAFLOW_S3_REDIRECT_DOWNLOADS=true`, a signed GET is sent to ' +
          '`Location`: a presigned URL of the bucket, valid as long as the signed URL',
      },
      { status: 304, description: 'Not modified: the client has these bytes' },
      {
        status: 401,
        description: 'No key or signature, an unknown key, or a tampered or expired signed URL',
        schema: ErrorEnvelopeSchema,
      },
      ...errors(404),
      {
        status: 416,
        description:
          '`range_not_satisfiable`: the range holds no byte of the file (it starts at or past the end)',
        schema: ErrorEnvelopeSchema,
        headers: [{ name: 'Content-Range', description: "`bytes */<size>`: the file's size" }],
      },
      ...errors(503),
    ],
  },
  {
    method: 'get',
    path: '/webhook-secret',
    operationId: 'getWebhookSecret',
    summary: "The caller's project's webhook secret",
    description:
      'Webhooks carry `Mediaflow-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed by this secret.',
    tag: 'Projects',
    responses: [
      { status: 200, description: 'The secret', schema: WebhookSecretSchema },
      ...errors(401),
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
]);
