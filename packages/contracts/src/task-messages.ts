import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { MediaPropertiesSchema, StoredFileSchema } from './files';
import { idSchema } from './ids';
import { TASK_KIND_NAMES, type TaskKind } from './kinds';
import { ProjectEventRecordSchema } from './project-events';
import { TaskStatusSchema } from './tasks';

/**
 * JetStream: work goes out on `tasks.run.<kind>` (stream TASKS, work-queue
 * retention, one durable pull consumer per kind shared by a worker app's
 * replicas); workers report on `tasks.events.<kind>` (stream TASK_EVENTS,
 * consumed durably by the scheduler, followed by the gateway for SSE).
 * Cancellation is a core-NATS broadcast: whoever runs the task stops it.
 * Every subject and stream name gets NATS_SUBJECT_PREFIX in front.
 */
export const TASK_STREAMS = {
  work: { name: 'TASKS', subjects: 'tasks.run.>' },
  events: { name: 'TASK_EVENTS', subjects: 'tasks.events.>' },
} as const;

export const taskRunSubject = (kind: TaskKind): string => `tasks.run.${kind}`;
export const taskEventSubject = (kind: TaskKind): string => `tasks.events.${kind}`;
export const TASK_CANCEL_SUBJECT = 'tasks.cancel';

/** The JetStream message id of a dispatch: a duplicate publish of the same attempt is dropped. */
export const dispatchMessageId = (taskId: string, attempt: number): string =>
  `${taskId}.${attempt}`;

export const TASK_MESSAGE_VERSION = 1;

const taskKind = z.enum(TASK_KIND_NAMES);

/** One attempt of one task, sent to the worker of its kind. */
export const TaskDispatchSchema = z.object({
  v: z.literal(TASK_MESSAGE_VERSION),
  task_id: idSchema('task'),
  attempt: z.number().int().min(1),
  project_id: idSchema('prj'),
  kind: taskKind,
  /** The step's options as validated at submission; workers apply the defaults. */
  options: z.record(z.string(), z.unknown()),
  /** The input file; null for `ingest`, whose input is `source_url` or `source_key`. */
  input: StoredFileSchema.nullable(),
  source_url: z.string().nullable(),
  /**
   * `ingest` of an upload: where the gateway staged its bytes. The runner
   * fetches it as it does an input file. Absent from older dispatches.
   */
  source_key: z.string().nullable().optional(),
  /** `ingest`: the name the client gave the file, to store it under (made safe by the worker). */
  source_filename: z.string().nullable().optional(),
  /** The step's ref, for naming outputs. */
  ref: z.string().nullable(),
  /**
   * The attempt's time budget from its input (the kind's `timeBudget`, ms):
   * the worker stops it at the lower of this and its own
   * MEDIAFLOW_TASK_TIMEOUT_MS, and a timeout there is final. Absent when the
   * input is not known yet (ingest) or its length is unknown, and from older
   * schedulers: the worker's limit alone applies, and its timeout is retried.
   */
  timeout_ms: z.number().int().min(1).optional(),
});
export type TaskDispatch = z.infer<typeof TaskDispatchSchema>;

/**
 * A file a worker made and stored. Its id is the worker's; the scheduler
 * records it once, when the attempt that made it is the one it waits for.
 */
export const ProducedFileSchema = MediaPropertiesSchema.extend({
  id: idSchema('file'),
  filename: z.string(),
  storage_key: z.string(),
});
export type ProducedFile = z.infer<typeof ProducedFileSchema>;

export const TaskResultSchema = z.object({
  /** The step's output file, when it makes one. */
  file: ProducedFileSchema.optional(),
  /** Files linked from the output (the thumbnails sprite). */
  linked_files: z.array(ProducedFileSchema).optional(),
  /** The JSON result of data kinds (nsfw, speech, summary). */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type TaskResult = z.infer<typeof TaskResultSchema>;

const eventBase = {
  v: z.literal(TASK_MESSAGE_VERSION),
  task_id: idSchema('task'),
  attempt: z.number().int().min(1),
  kind: taskKind,
  /** Unix milliseconds at the worker. */
  at: z.number().int(),
};

export const TaskEventSchema = z.discriminatedUnion('type', [
  z.object({ ...eventBase, type: z.literal('started') }),
  z.object({ ...eventBase, type: z.literal('progress'), progress: z.number().min(0).max(100) }),
  z.object({ ...eventBase, type: z.literal('completed'), result: TaskResultSchema }),
  z.object({
    ...eventBase,
    type: z.literal('failed'),
    error: z.object({ code: ErrorCodeSchema, message: z.string() }),
    /** Worth another attempt (a provider down, a timeout), or final (bad input). */
    retryable: z.boolean(),
  }),
]);
export type TaskEvent = z.infer<typeof TaskEventSchema>;

export const TaskCancelSchema = z.object({
  v: z.literal(TASK_MESSAGE_VERSION),
  task_id: idSchema('task'),
  /**
   * The attempt cancelled: this one and earlier ones stop, a later one (the
   * task retried since, `POST /tasks/:id/retry`) runs. Absent: every attempt.
   */
  attempt: z.number().int().min(0).optional(),
});
export type TaskCancel = z.infer<typeof TaskCancelSchema>;

/**
 * Change notifications: a core-NATS broadcast, not JetStream. After each
 * decision it commits, the scheduler says which tasks of which run it
 * changed; whoever shows tasks live (the gateway's `GET /tasks/:id/events`
 * and `Prefer: wait`) reads them again. One that is lost costs only latency:
 * those readers also read on a slow safety interval.
 */
export const TASK_CHANGES_SUBJECT = 'tasks.changed';

export const TaskChangeSchema = z.object({
  v: z.literal(TASK_MESSAGE_VERSION),
  project_id: idSchema('prj'),
  /** The run's root task; a task on its own is its own run. */
  run_id: idSchema('task'),
  /** The tasks of the run whose status, progress or attempt the decision changed. */
  task_ids: z.array(idSchema('task')).min(1),
  /**
   * The decision created these tasks (a new run, task or ingest): whoever
   * asked for them has them as they are from the answer.
   */
  created: z.boolean().optional(),
  /**
   * The status the decision left some of `task_ids` in. A follower that only
   * waits for a task to end re-reads it when its status here is final or
   * not given, and may skip the read otherwise.
   */
  statuses: z.record(z.string(), TaskStatusSchema).optional(),
  /**
   * The events of the decision, in the order they happened, with each task
   * as it left it: a follower sends these without reading the task again.
   * Absent when the decision carries none (progress, a retry scheduled), or
   * when they would make the message too large: read the tasks then.
   */
  events: z.array(ProjectEventRecordSchema).optional(),
  /** Unix milliseconds at the scheduler, once committed. */
  at: z.number().int(),
});
export type TaskChange = z.infer<typeof TaskChangeSchema>;

/** Task errors worth another attempt; the rest are the input's fault and final. */
export const RETRYABLE_TASK_ERRORS = ['provider_unavailable', 'timeout', 'internal'] as const;
