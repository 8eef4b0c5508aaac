import { z } from 'zod';
import { AutomationSchema } from './automation';
import { FileObjectSchema, StoredFileSchema } from './files';
import { idSchema } from './ids';
import { PageQuerySchema, listSchema } from './pagination';
import {
  ProjectEventRecordSchema,
  type ProjectEventRecord,
  type ProjectEventType,
} from './project-events';
import { TaskObjectSchema } from './tasks';

/**
 * What happened to a file: stored by `POST /files` (an upload or a URL; a
 * task's outputs are news of its `task.completed`), or deleted.
 */
export const FILE_EVENT_TYPES = ['file.created', 'file.deleted'] as const;
/** What happened to an automation, whoever made the change. */
export const AUTOMATION_EVENT_TYPES = [
  'automation.created',
  'automation.updated',
  'automation.deleted',
] as const;

/**
 * Every type the project's event log keeps: the kept task types (not
 * `task.progress`), then the files' and the automations'. What
 * `GET /events` lists and what a webhook endpoint may ask for.
 */
export const LOGGED_EVENT_TYPES = [
  'task.created',
  'task.started',
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.skipped',
  ...FILE_EVENT_TYPES,
  ...AUTOMATION_EVENT_TYPES,
] as const satisfies readonly (
  | Exclude<ProjectEventType, 'task.progress'>
  | (typeof FILE_EVENT_TYPES)[number]
  | (typeof AUTOMATION_EVENT_TYPES)[number]
)[];
export type LoggedEventType = (typeof LOGGED_EVENT_TYPES)[number];
export const LoggedEventTypeSchema = z.enum(LOGGED_EVENT_TYPES);

/** A file's event between services: the file as the scheduler records it. */
export const FileEventRecordSchema = z.object({
  id: idSchema('evt'),
  type: z.enum(FILE_EVENT_TYPES),
  created_at: z.number().int(),
  data: StoredFileSchema,
});
export type FileEventRecord = z.infer<typeof FileEventRecordSchema>;

/** An automation's event: the automation after the change (as it was, for `automation.deleted`). */
export const AutomationEventRecordSchema = z.object({
  id: idSchema('evt'),
  type: z.enum(AUTOMATION_EVENT_TYPES),
  created_at: z.number().int(),
  data: AutomationSchema,
});
export type AutomationEventRecord = z.infer<typeof AutomationEventRecordSchema>;

/** Any event the log keeps, as the services pass it around (files not yet signed). */
export const LoggedEventRecordSchema = z.union([
  ProjectEventRecordSchema,
  FileEventRecordSchema,
  AutomationEventRecordSchema,
]);
export type LoggedEventRecord = z.infer<typeof LoggedEventRecordSchema>;

export function isTaskEvent(event: LoggedEventRecord): event is ProjectEventRecord {
  return event.type.startsWith('task.');
}

export function isFileEvent(event: LoggedEventRecord): event is FileEventRecord {
  return event.type.startsWith('file.');
}

/** Whether the log keeps events of this type (every file and automation type; not `task.progress`). */
export function isLoggedEventType(type: string): type is LoggedEventType {
  return (LOGGED_EVENT_TYPES as readonly string[]).includes(type);
}

/** One POST of a delivery. */
export const DeliveryAttemptSchema = z
  .object({
    attempt: z.number().int().describe('1 for the first POST of this delivery'),
    at: z.number().int().describe('Unix seconds, when the POST was made'),
    http_status: z
      .number()
      .int()
      .nullable()
      .describe("The receiver's status; null when it did not answer (refused, timed out)"),
    duration_ms: z.number().int().describe('From the request to its answer or failure'),
    error: z.string().nullable().describe('Why it does not count as delivered; null for a 2xx'),
  })
  .meta({ id: 'EventDeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttemptSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** An event's delivery to one webhook endpoint: its POSTs so far, and when the next will be. */
export const EventDeliverySchema = z
  .object({
    endpoint_id: idSchema('we'),
    status: z
      .enum(DELIVERY_STATUSES)
      .describe(
        '`pending` until a 2xx (`delivered`) or until retries run out after a day, or the address is refused (`failed`)',
      ),
    attempts: z.number().int().describe('POSTs made so far'),
    http_status: z.number().int().nullable().describe("The last POST's answer"),
    duration_ms: z.number().int().nullable().describe("The last POST's duration"),
    error: z.string().nullable().describe('Why the last POST did not count; null once delivered'),
    next_attempt_at: z
      .number()
      .int()
      .nullable()
      .describe('Unix seconds of the next POST; null once delivered or failed'),
    redelivery: z.boolean().describe('Made by `POST /events/{id}/redeliver`'),
    created_at: z.number().int(),
    delivered_at: z.number().int().nullable(),
    attempt_history: z.array(DeliveryAttemptSchema).describe('Every POST, oldest first'),
  })
  .meta({ id: 'EventDelivery' });
export type EventDelivery = z.infer<typeof EventDeliverySchema>;

/** An event of the log with its deliveries, as the scheduler answers it. */
export const LoggedEventWithDeliveriesSchema = z.object({
  event: LoggedEventRecordSchema,
  deliveries: z.array(EventDeliverySchema),
});
export type LoggedEventWithDeliveries = z.infer<typeof LoggedEventWithDeliveriesSchema>;

/** A file in an event: the file object; a deleted file's has no `url`. */
const FileEventDataSchema = FileObjectSchema.partial({ url: true }).meta({ id: 'EventFile' });

/**
 * An event as `GET /events` answers it: the envelope of the event streams
 * and of webhook deliveries (`id`, `type`, `created_at`, `data`), and its deliveries.
 */
export const LoggedEventSchema = z
  .object({
    id: idSchema('evt').describe(
      'The same id as on the event streams and in the `Mediaflow-Event-Id` of its deliveries',
    ),
    type: LoggedEventTypeSchema,
    created_at: z.number().int().describe('Unix seconds, when the change was made'),
    data: z
      .union([TaskObjectSchema, FileEventDataSchema, AutomationSchema])
      .describe(
        'A task event: the task (or step) as `GET /tasks/{id}` shows it; a file event: the file (no `url` once deleted); an automation event: the automation (as it was, for `automation.deleted`)',
      ),
    deliveries: z.array(EventDeliverySchema).describe('To webhook endpoints, oldest first'),
  })
  .meta({ id: 'LoggedEvent' });
export type LoggedEvent = z.infer<typeof LoggedEventSchema>;

export const LoggedEventListSchema = listSchema(LoggedEventSchema).meta({ id: 'LoggedEventList' });

/** `GET /events`. */
export const EventListQuerySchema = PageQuerySchema.extend({
  type: LoggedEventTypeSchema.optional().describe('Only events of this type'),
  task_id: idSchema('task').optional().describe('Only this task, and its steps when it is a run'),
  automation_id: idSchema('auto')
    .optional()
    .describe("Only this automation's own events and those of its runs and their steps"),
}).strict();
export type EventListQuery = z.output<typeof EventListQuerySchema>;

/** `POST /events/{id}/redeliver`. */
export const RedeliverEventBodySchema = z
  .strictObject({
    endpoint_id: idSchema('we')
      .optional()
      .describe(
        'Only to this endpoint (whatever types it asks for); by default to every active endpoint that asks for the type',
      ),
  })
  .meta({ id: 'RedeliverEvent' });
export type RedeliverEventBody = z.infer<typeof RedeliverEventBodySchema>;
