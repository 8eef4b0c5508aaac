// The shapes the SDK sends and receives, all from @mediaflow/contracts (the
// zod schemas the gateway validates with and documents from): answers are a
// schema's output, request bodies its input (what a client may write, flat
// step options included). `import type` only, so the bundles carry no zod.
import type {
  AutomationListQuery as AutomationListQueryOut,
  AutomationTriggerBodySchema,
  ConditionsStep,
  CreateApiKeyBodySchema,
  CreateAutomationBodySchema,
  CreateProjectBodySchema,
  CreateWebhookEndpointBodySchema,
  DeletedApiKeySchema,
  DeletedFileSchema,
  EventListQuery as EventListQueryOut,
  FileListQuery as FileListQueryOut,
  FileWithTriggeredRuns,
  IngestFileBodySchema,
  LoggedEvent,
  PageQuery,
  ProjectEvent,
  TASK_KINDS,
  TaskListQuery as TaskListQueryOut,
  TaskObject,
  TaskStep,
  UpdateAutomationBodySchema,
  UpdateProjectBodySchema,
  UpdateWebhookEndpointBodySchema,
  WorkflowTaskKind,
} from '@mediaflow/contracts/browser';
import type { z } from 'zod';

export type {
  ApiKey,
  Attempt,
  Automation,
  AutomationStatus,
  AutomationTrigger,
  CreatedProjectWithWebhookSecret,
  DeletedAutomation,
  DeletedWebhookEndpoint,
  DeliveryAttempt,
  EnabledEvent,
  ErrorBody,
  ErrorCode,
  ErrorDetail,
  EventDelivery,
  FileObject,
  FileWithTriggeredRuns,
  List,
  ListMeta,
  LoggedEvent,
  LoggedEventType,
  MediaProperties,
  NewApiKey,
  Project,
  ProjectEvent,
  ProjectEventType,
  ProjectLimits,
  ProjectWithLimits,
  RedeliverEventBody,
  SkipReason,
  SkipReasonCode,
  StepsSummary,
  TaskError,
  TaskObject,
  TaskObjectKind,
  TaskStatus,
  WorkflowTaskKind,
  Condition,
  WebhookEndpoint,
  WebhookEndpointStatus,
  WebhookSecret,
  WebhookEndpointWithSecret,
  WorkflowStep,
} from '@mediaflow/contracts/browser';

/** A kind's options as a client writes them (docs/task-kinds.md): from the kind's declaration. */
export type TaskOptionsInput<K extends WorkflowTaskKind> = z.input<
  (typeof TASK_KINDS)[K]['options']
>;

/**
 * A task step as a client writes it: its kind's options under `options`,
 * or flat beside `kind` (`{ kind: 'image', width: 320 }`), as the API takes them.
 */
export type TaskStepInput = {
  [K in WorkflowTaskKind]: Omit<TaskStep, 'kind' | 'options' | 'next'> & {
    kind: K;
    options?: TaskOptionsInput<K>;
    next?: WorkflowStepInput[];
  } & TaskOptionsInput<K>;
}[WorkflowTaskKind];

/** A `conditions` step as a client writes it. */
export type ConditionsStepInput = Omit<ConditionsStep, 'next' | 'else'> & {
  next?: WorkflowStepInput[];
  else?: WorkflowStepInput[];
};

/** A workflow's step as a client writes it; the API answers it normalised ({@link WorkflowStep}). */
export type WorkflowStepInput = TaskStepInput | ConditionsStepInput;

/** An automation's trigger as a client writes it (`conditions` left out: every file). */
export type AutomationTriggerInput = z.input<typeof AutomationTriggerBodySchema>;

/** `POST /automations`. */
export type CreateAutomationBody = Omit<z.input<typeof CreateAutomationBodySchema>, 'workflow'> & {
  workflow: WorkflowStepInput[];
};
/** `PATCH /automations/{id}`: any of the create body's fields. */
export type UpdateAutomationBody = Omit<z.input<typeof UpdateAutomationBodySchema>, 'workflow'> & {
  workflow?: WorkflowStepInput[];
};

/** Where a task takes its input: a URL to fetch, or a stored file. */
export type TaskSource = { url: string; file_id?: never } | { file_id: string; url?: never };

/**
 * `POST /tasks`: one kind with its options, or `kind: 'workflow'` with a
 * workflow, on a `url` or a `file_id`.
 */
export type CreateTaskBody = (
  | { [K in WorkflowTaskKind]: { kind: K; options?: TaskOptionsInput<K> } }[WorkflowTaskKind]
  | { kind: 'workflow'; workflow: WorkflowStepInput[] }
) &
  TaskSource & {
    /** Gets a POST with the task once it ends, signed with the project's webhook secret. */
    webhook_url?: string;
  };
/** `POST /webhooks/endpoints`. */
export type CreateWebhookEndpointBody = z.input<typeof CreateWebhookEndpointBodySchema>;
/** `PATCH /webhooks/endpoints/{id}`. */
export type UpdateWebhookEndpointBody = z.input<typeof UpdateWebhookEndpointBodySchema>;
/** `POST /api-keys`. */
export type CreateApiKeyBody = z.input<typeof CreateApiKeyBodySchema>;
/** `POST /projects`. */
export type CreateProjectBody = z.input<typeof CreateProjectBodySchema>;
/** `POST /files` with JSON: a URL to download and store. */
export type IngestFileBody = z.input<typeof IngestFileBodySchema>;
export type DeletedFile = z.output<typeof DeletedFileSchema>;
export type DeletedApiKey = z.output<typeof DeletedApiKeySchema>;

/** `page` (from 1) and `limit` (1..100) of every list. */
export type PageParams = Partial<PageQuery>;
/** `GET /automations`: `status`, and `name` (exactly that name; names are not unique). */
export type AutomationListQuery = Partial<AutomationListQueryOut>;
export type TaskListQuery = Partial<TaskListQueryOut>;
export type FileListQuery = Partial<FileListQueryOut>;
export type EventListQuery = Partial<EventListQueryOut>;

/**
 * What `GET /tasks/{id}/events` sends: the task, or one of a run's steps,
 * as `GET /tasks/{id}` shows it, in the envelope `{ id, type, created_at, data }`.
 */
export type TaskEvent = ProjectEvent;

/**
 * What `GET /events/stream` sends: the task events, and those of the
 * project's files (`file.created`, `file.deleted`) and automations, in the
 * envelope of the event log (without its deliveries).
 */
export type StreamEvent = TaskEvent | Omit<LoggedEvent, 'deliveries'>;

/**
 * A webhook's body: a per-task webhook (`webhook_url`) POSTs the task; a
 * webhook endpoint POSTs an event of the log.
 */
export type WebhookPayload = TaskObject | Omit<LoggedEvent, 'deliveries'>;

/** What `POST /files` answers: the stored file (201), or the `ingest` task still running (202). */
export type FileUploadResult = FileWithTriggeredRuns | TaskObject;

/** `PATCH /projects/{id}`: a limit left out keeps its value; `null` goes back to the default. */
export type UpdateProjectBody = z.input<typeof UpdateProjectBodySchema>;

/** Options every call takes. */
export interface RequestOptions {
  /** Aborts the call, its retries included. */
  signal?: AbortSignal;
  /** This call's time limit per attempt, in ms (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  /** This call's retries (default: the client's `maxRetries`). */
  maxRetries?: number;
  /** Headers to send besides the SDK's own. */
  headers?: Record<string, string>;
}

/** Options of the calls that create something: sent as `Idempotency-Key`. */
export interface IdempotentOptions extends RequestOptions {
  /**
   * The key that makes the call safe to repeat (1..255 printable ASCII). By
   * default the SDK makes one per call (a UUID) and sends it on each retry,
   * so a retried create never runs twice; pass your own to make a call safe
   * to repeat across processes (say, a job queue's id).
   */
  idempotencyKey?: string;
}

/** Options of the calls that start a task. */
export interface StartOptions extends IdempotentOptions {
  /**
   * `Prefer: wait=N` (1..60 s): the answer waits up to N seconds for the
   * task to end, and holds it as it ended (or still running after N).
   */
  wait?: number;
}
