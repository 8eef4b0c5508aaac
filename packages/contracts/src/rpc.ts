import { z } from 'zod';
import {
  AutomationListSchema,
  AutomationSchema,
  DeletedAutomationSchema,
  TriggerEventSchema,
} from './automation';
import { ErrorBodySchema } from './errors';
import { IngestSourceSchema, StoredFileWithRunsSchema } from './files';
import { idSchema } from './ids';
import { listSchema } from './pagination';
import {
  AutomationEventRecordSchema,
  LoggedEventRecordSchema,
  LoggedEventTypeSchema,
  LoggedEventWithDeliveriesSchema,
} from './event-log';
import { EventCursorSchema } from './project-events';
import { TaskRecordSchema, TaskSourceSchema } from './tasks';
import {
  DeletedWebhookEndpointSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from './webhook-endpoints';

/**
 * A request/reply contract on core NATS: the subject, the version of the
 * payload shapes, and the schemas both ends parse with on arrival.
 */
export interface RpcDefinition<
  Req extends z.ZodType = z.ZodType,
  Res extends z.ZodType = z.ZodType,
> {
  subject: string;
  version: number;
  request: Req;
  response: Res;
}

export type RpcRequest<D extends RpcDefinition> = z.input<D['request']>;
export type RpcResponse<D extends RpcDefinition> = z.output<D['response']>;

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  definition: RpcDefinition<Req, Res>,
): RpcDefinition<Req, Res> {
  return definition;
}

/** What crosses the wire: `{ v, data }` out, `{ v, ok, data | error }` back. */
export const RpcRequestEnvelopeSchema = z.object({ v: z.number().int(), data: z.unknown() });
export const RpcReplyEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ v: z.number().int(), ok: z.literal(true), data: z.unknown() }),
  z.object({ v: z.number().int(), ok: z.literal(false), error: ErrorBodySchema }),
]);
export type RpcReplyEnvelope = z.infer<typeof RpcReplyEnvelopeSchema>;

const projectId = idSchema('prj');

/**
 * The gateway's claim of a request's `Idempotency-Key`: what the request
 * creates (a run, task or ingest; an automation; a webhook endpoint) is
 * created with it in one transaction, and a request with the same claim
 * gets the one it made instead of a second.
 */
const idempotencyKey = z.string().min(1).max(100).optional();

/**
 * The registry's contract. Bodies and queries travel as the client sent them
 * (after the gateway's own check): the registry owns automations and
 * validates again on arrival.
 */
export const registryRpc = {
  create: defineRpc({
    subject: 'registry.automations.create',
    version: 1,
    request: z.object({
      project_id: projectId,
      body: z.unknown(),
      idempotency_key: idempotencyKey,
    }),
    response: AutomationSchema,
  }),
  list: defineRpc({
    subject: 'registry.automations.list',
    version: 1,
    request: z.object({ project_id: projectId, query: z.record(z.string(), z.unknown()) }),
    response: AutomationListSchema,
  }),
  get: defineRpc({
    subject: 'registry.automations.get',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: AutomationSchema,
  }),
  update: defineRpc({
    subject: 'registry.automations.update',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string(), body: z.unknown() }),
    response: AutomationSchema,
  }),
  delete: defineRpc({
    subject: 'registry.automations.delete',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: DeletedAutomationSchema,
  }),
  /**
   * The project's active automations with a trigger on `event`, oldest
   * first: the scheduler matches their conditions on the file and runs them.
   */
  listTriggered: defineRpc({
    subject: 'registry.automations.list-triggered',
    version: 1,
    request: z.object({ project_id: projectId, event: TriggerEventSchema }),
    response: z.object({ data: z.array(AutomationSchema) }),
  }),
} as const;

const webhook = z.object({ url: z.string(), secret: z.string() }).nullable();

/**
 * The project's limit of runs in flight (its own `limits.runs_in_flight`,
 * else the gateway's default): a run, task or ingest that would pass it is
 * refused with `rate_limited`. Left out: no limit.
 */
const runsInFlightLimit = z.number().int().positive().optional();

/**
 * The scheduler's contract. The gateway has already checked bodies; the
 * scheduler, which owns runs, tasks and files, parses again on arrival.
 * Files come back as stored records: the gateway signs their URLs.
 */
export const schedulerRpc = {
  createRun: defineRpc({
    subject: 'scheduler.runs.create',
    version: 1,
    request: z.object({
      project_id: projectId,
      automation_id: idSchema('auto').nullable(),
      workflow: z.unknown(),
      source: TaskSourceSchema,
      webhook,
      idempotency_key: idempotencyKey,
      runs_in_flight_limit: runsInFlightLimit,
    }),
    response: TaskRecordSchema,
  }),
  createTask: defineRpc({
    subject: 'scheduler.tasks.create',
    version: 1,
    request: z.object({
      project_id: projectId,
      kind: z.string(),
      options: z.record(z.string(), z.unknown()),
      source: TaskSourceSchema,
      webhook,
      idempotency_key: idempotencyKey,
      runs_in_flight_limit: runsInFlightLimit,
    }),
    response: TaskRecordSchema,
  }),
  listEvents: defineRpc({
    subject: 'scheduler.events.list',
    version: 1,
    request: z.object({
      project_id: projectId,
      /**
       * Where to read from: after this event (unknown or expired:
       * `event_expired`), or after a `cursor` this RPC answered. Neither:
       * from the log's end, to follow what happens from now on.
       */
      after_event: idSchema('evt').optional(),
      after_cursor: EventCursorSchema.optional(),
      /** Only the events of these tasks (a run's: its id and its steps'). */
      task_ids: z.array(idSchema('task')).min(1).max(10_000).optional(),
      automation_id: z.string().optional(),
      limit: z.number().int().min(1).max(1000),
    }),
    response: z.object({
      /** Task, file and automation events (`task.progress` is never kept). */
      data: z.array(LoggedEventRecordSchema),
      /** Where the next read starts: after the last event answered. */
      cursor: EventCursorSchema,
      /** More events were readable than `limit`. */
      has_more: z.boolean(),
      /**
       * Later events exist that cannot be read in order yet (a transaction
       * that made an earlier one has not ended): ask again shortly.
       */
      pending: z.boolean(),
    }),
  }),
  getTask: defineRpc({
    subject: 'scheduler.tasks.get',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: TaskRecordSchema,
  }),
  listTasks: defineRpc({
    subject: 'scheduler.tasks.list',
    version: 1,
    request: z.object({ project_id: projectId, query: z.record(z.string(), z.unknown()) }),
    response: listSchema(TaskRecordSchema),
  }),
  cancelTask: defineRpc({
    subject: 'scheduler.tasks.cancel',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: TaskRecordSchema,
  }),
  /**
   * `POST /tasks/:id/retry`: a run, a task on its own or a step runs again
   * what failed or was cancelled (docs/runs.md, Retrying). Once per
   * idempotency claim: a second request with it answers the task as it is.
   */
  retryTask: defineRpc({
    subject: 'scheduler.tasks.retry',
    version: 1,
    request: z.object({
      project_id: projectId,
      id: z.string(),
      idempotency_key: idempotencyKey,
      runs_in_flight_limit: runsInFlightLimit,
    }),
    response: TaskRecordSchema,
  }),
  getFile: defineRpc({
    subject: 'scheduler.files.get',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: StoredFileWithRunsSchema,
  }),
  listFiles: defineRpc({
    subject: 'scheduler.files.list',
    version: 1,
    request: z.object({ project_id: projectId, query: z.record(z.string(), z.unknown()) }),
    response: listSchema(StoredFileWithRunsSchema),
  }),
  /**
   * A file from a URL or a staged upload: an `ingest` task of its own (no
   * run around it), answered at once; its output is the stored file.
   */
  createIngest: defineRpc({
    subject: 'scheduler.files.ingest',
    version: 1,
    request: z.object({
      project_id: projectId,
      source: IngestSourceSchema,
      /** The name the client gave the file, if any; the worker makes it safe. */
      filename: z.string().min(1).max(255).nullable(),
      idempotency_key: idempotencyKey,
      runs_in_flight_limit: runsInFlightLimit,
    }),
    response: TaskRecordSchema,
  }),
  deleteFile: defineRpc({
    subject: 'scheduler.files.delete',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: z.object({
      id: idSchema('file'),
      object: z.literal('file'),
      deleted: z.literal(true),
    }),
  }),
  /** `GET /events`: the log newest first, with each event's deliveries to webhook endpoints. */
  pageEvents: defineRpc({
    subject: 'scheduler.events.page',
    version: 1,
    request: z.object({
      project_id: projectId,
      page: z.number().int().min(1),
      limit: z.number().int().min(1).max(100),
      type: LoggedEventTypeSchema.optional(),
      /** Only the events of these tasks (a run's: its id and its steps'). */
      task_ids: z.array(idSchema('task')).min(1).max(10_000).optional(),
      automation_id: z.string().optional(),
    }),
    response: listSchema(LoggedEventWithDeliveriesSchema),
  }),
  getEvent: defineRpc({
    subject: 'scheduler.events.get',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: LoggedEventWithDeliveriesSchema,
  }),
  /** Delivers a kept event again: to one endpoint, or to every active endpoint that wants its type. */
  redeliverEvent: defineRpc({
    subject: 'scheduler.events.redeliver',
    version: 1,
    request: z.object({
      project_id: projectId,
      id: z.string(),
      endpoint_id: idSchema('we').optional(),
    }),
    response: LoggedEventWithDeliveriesSchema,
  }),
  /**
   * The registry's automation events, from its outbox: kept once each (by
   * event id, so a batch sent again after a lost reply adds nothing).
   */
  recordAutomationEvents: defineRpc({
    subject: 'scheduler.events.record-automation',
    version: 1,
    request: z.object({
      events: z
        .array(z.object({ project_id: projectId, event: AutomationEventRecordSchema }))
        .min(1)
        .max(500),
    }),
    response: z.object({ accepted: z.number().int() }),
  }),
  createWebhookEndpoint: defineRpc({
    subject: 'scheduler.webhook-endpoints.create',
    version: 1,
    request: z.object({
      project_id: projectId,
      body: z.unknown(),
      idempotency_key: idempotencyKey,
    }),
    response: WebhookEndpointWithSecretSchema,
  }),
  listWebhookEndpoints: defineRpc({
    subject: 'scheduler.webhook-endpoints.list',
    version: 1,
    request: z.object({ project_id: projectId, query: z.record(z.string(), z.unknown()) }),
    response: listSchema(WebhookEndpointSchema),
  }),
  getWebhookEndpoint: defineRpc({
    subject: 'scheduler.webhook-endpoints.get',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: WebhookEndpointSchema,
  }),
  updateWebhookEndpoint: defineRpc({
    subject: 'scheduler.webhook-endpoints.update',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string(), body: z.unknown() }),
    response: WebhookEndpointSchema,
  }),
  deleteWebhookEndpoint: defineRpc({
    subject: 'scheduler.webhook-endpoints.delete',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: DeletedWebhookEndpointSchema,
  }),
  /** A new signing secret, at once: deliveries from now on are signed with it alone. */
  rotateWebhookEndpointSecret: defineRpc({
    subject: 'scheduler.webhook-endpoints.rotate',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: WebhookEndpointWithSecretSchema,
  }),
} as const;

/** Every request/reply contract, for transports that look one up by subject. */
export const RPC_DEFINITIONS: readonly RpcDefinition[] = [
  ...Object.values(registryRpc),
  ...Object.values(schedulerRpc),
];
