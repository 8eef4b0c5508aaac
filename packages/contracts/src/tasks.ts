import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { FileObjectSchema, StoredFileSchema, type FileObject, type StoredFile } from './files';
import { idSchema } from './ids';
import { TASK_KIND_NAMES, WORKFLOW_TASK_KINDS } from './kinds';
import { PageQuerySchema, listSchema } from './pagination';
import { checkTextIn, httpUrl, storableText } from './text';
import { WorkflowSchema } from './workflow';

export const TASK_STATUSES = [
  'pending',
  'waiting',
  'processing',
  'completed',
  'failed',
  'skipped',
  'cancelled',
] as const;
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** Statuses a task never leaves. */
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = [
  'completed',
  'failed',
  'skipped',
  'cancelled',
];

/** Whether a task in `status` is done: completed, failed, skipped or cancelled. */
export function isFinalStatus(status: TaskStatus): boolean {
  return FINAL_TASK_STATUSES.includes(status);
}

/** Every kind a task can have: the task kinds, `conditions` steps and `workflow` runs. */
export const TASK_OBJECT_KINDS = [...TASK_KIND_NAMES, 'conditions', 'workflow'] as const;
export type TaskObjectKind = (typeof TASK_OBJECT_KINDS)[number];

/** The step a failed run names as the cause of its failure. */
export const FailedStepSchema = z.object({
  id: idSchema('task'),
  ref: z.string().nullable(),
  kind: z.enum(TASK_OBJECT_KINDS),
});
export type FailedStep = z.infer<typeof FailedStepSchema>;

export const TaskErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  step: FailedStepSchema.optional().describe(
    "On a failed run: the step that failed first (the run's ingest when its source could not be had)",
  ),
});
export type TaskError = z.infer<typeof TaskErrorSchema>;

/**
 * Why a step ended `skipped` (docs/runs.md, Skipped steps, errors and
 * progress): a stable code clients may switch on, each explained here once.
 */
export const SKIP_REASONS = {
  not_applicable:
    "The step's kind does not take its input's media kind (subtitles on an image): the workflow goes on without it",
  branch_not_taken:
    'The step is on the branch of a conditions step that its input did not take (`next` when the conditions did not hold, `else` when they did)',
  upstream_failed: 'A step above it failed, so it never got an input',
  upstream_skipped: 'A step above it was skipped, so it never got an input',
  source_failed: "The run's source could not be ingested, so no step got an input",
} as const;
export type SkipReasonCode = keyof typeof SKIP_REASONS;
export const SKIP_REASON_CODES = Object.keys(SKIP_REASONS) as [SkipReasonCode, ...SkipReasonCode[]];

export const SkipReasonSchema = z
  .object({
    code: z.enum(SKIP_REASON_CODES).describe(
      Object.entries(SKIP_REASONS)
        .map(([code, meaning]) => `\`${code}\`: ${meaning}`)
        .join('; '),
    ),
    message: z.string().describe('A sentence naming the step above or the input, for people'),
  })
  .meta({ id: 'SkipReason' });
export type SkipReason = z.infer<typeof SkipReasonSchema>;

/** An attempt's status: it was dispatched (`pending`), taken, and ended so. */
export const ATTEMPT_STATUSES = [
  'pending',
  'processing',
  'completed',
  'failed',
  'cancelled',
] as const;

/**
 * One attempt of a task (docs/runs.md, Retrying): the ones before, each as it
 * ended, and the current one as it is. Times in unix seconds, as the task's.
 */
export const AttemptSchema = z
  .object({
    attempt: z.number().int().min(1),
    status: z.enum(ATTEMPT_STATUSES),
    error: TaskErrorSchema.nullable().describe('Why it failed or was cancelled'),
    started_at: z
      .number()
      .int()
      .nullable()
      .describe('When a worker took it; null if none did before it ended'),
    finished_at: z.number().int().nullable().describe('Null while it runs'),
  })
  .meta({ id: 'Attempt' });
export type Attempt = z.infer<typeof AttemptSchema>;

/**
 * How many of a run's steps are in each status, one count per status (a
 * `pending` step waits for a worker, a `waiting` one for the step above it).
 */
export const StepsSummarySchema = z
  .object(
    Object.fromEntries(TASK_STATUSES.map((status) => [status, z.number().int().min(0)])) as Record<
      TaskStatus,
      z.ZodNumber
    >,
  )
  .meta({
    id: 'StepsSummary',
    description:
      'One count per status, every status present: they add up to the number of steps (its ingest is not one)',
  });
export type StepsSummary = Record<TaskStatus, number>;

/**
 * A task as a tree, generic in how files appear: clients get file objects
 * with signed URLs ({@link TaskObject}); between services the scheduler
 * answers stored files ({@link TaskRecord}) and the gateway signs them.
 */
export interface TaskTree<F> {
  id: string;
  object: 'task';
  kind: TaskObjectKind;
  automation_id: string | null;
  parent_id: string | null;
  ref: string | null;
  input: F | null;
  options: Record<string, unknown>;
  status: TaskStatus;
  progress: number;
  /** A file (with, for thumbnails, the files it links under `files`), or for data kinds a JSON result. */
  output: (F & { files?: F[] }) | Record<string, unknown> | null;
  error: TaskError | null;
  /** Why a `skipped` task did not run; null for every other status. */
  skip_reason: SkipReason | null;
  attempts: number;
  /** Each attempt, oldest first: automatic retries and `POST /tasks/:id/retry` alike. */
  attempt_history: Attempt[];
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  webhook_url: string | null;
  /** On a `workflow` task: how many of its steps are in each status. */
  steps_summary?: StepsSummary;
  /** On a `workflow` task: its steps, as a tree. */
  workflow?: TaskTree<F>[];
  /** On a step: the steps that run after it. */
  next?: TaskTree<F>[];
  /** On a `conditions` step: its conditions, and the steps it runs when they do not hold. */
  conditions?: unknown[];
  else?: TaskTree<F>[];
}

function taskTreeSchema<F extends z.ZodObject>(
  file: F,
  id: string,
): z.ZodType<TaskTree<z.output<F>>> {
  // A file, and the files a `thumbnails` track links (its sprites): one object with both. Not
  // an intersection of the two: each side of it is closed (`additionalProperties: false` in
  // the OpenAPI document), so no object could match both.
  const outputFile = file
    .extend({
      files: z
        .array(file)
        .optional()
        .describe('A `thumbnails` track: the sprite sheets its cues point into'),
    })
    .meta({ id: `${id}OutputFile` });
  const schema: z.ZodType<TaskTree<z.output<F>>> = z
    .object({
      id: idSchema('task'),
      object: z.literal('task'),
      kind: z.enum(TASK_OBJECT_KINDS),
      automation_id: z.string().nullable(),
      parent_id: z.string().nullable(),
      ref: z.string().nullable(),
      input: file.nullable(),
      options: z.record(z.string(), z.unknown()),
      status: TaskStatusSchema,
      progress: z.number().min(0).max(100).describe('Percent'),
      output: z
        .union([outputFile, z.record(z.string(), z.unknown())])
        .nullable()
        .describe('A file, or for data kinds a JSON result'),
      error: TaskErrorSchema.nullable().describe(
        'Why it failed (or was cancelled). On a failed run: the first failure of its steps, with that `step`',
      ),
      skip_reason: SkipReasonSchema.nullable().describe(
        'Why a `skipped` task did not run; null for every other status',
      ),
      attempts: z
        .number()
        .int()
        .describe(
          'How many attempts it has had; on a run, how many times it was retried (`POST /tasks/{id}/retry`)',
        ),
      attempt_history: z
        .array(AttemptSchema)
        .describe(
          'Every attempt, oldest first, the current one last: automatic retries and retries asked for alike. Empty on a run (its steps have theirs) and on a step that never ran',
        ),
      created_at: z.number().int(),
      updated_at: z.number().int(),
      started_at: z.number().int().nullable(),
      finished_at: z.number().int().nullable(),
      webhook_url: z.string().nullable(),
      steps_summary: StepsSummarySchema.optional().describe(
        'A run: how many of its steps are in each status',
      ),
      get workflow() {
        return z.array(schema).optional().describe('A run: its steps, as a tree');
      },
      get next() {
        return z.array(schema).optional();
      },
      conditions: z.array(z.unknown()).optional(),
      get else() {
        return z.array(schema).optional();
      },
    })
    .meta({ id }) as unknown as z.ZodType<TaskTree<z.output<F>>>;
  return schema;
}

export type TaskObject = TaskTree<FileObject>;
export type TaskRecord = TaskTree<StoredFile>;
export const TaskObjectSchema = taskTreeSchema(FileObjectSchema, 'Task');
/** What the scheduler answers over the bus. */
export const TaskRecordSchema = taskTreeSchema(StoredFileSchema, 'TaskRecord');

export const TaskListSchema = listSchema(TaskObjectSchema).meta({ id: 'TaskList' });

export const TaskListQuerySchema = PageQuerySchema.extend({
  status: TaskStatusSchema.optional(),
  kind: z.enum(TASK_OBJECT_KINDS).optional(),
  automation_id: idSchema('auto').optional(),
});
export type TaskListQuery = z.output<typeof TaskListQuerySchema>;

/** Where a run or task takes its source from: a URL to ingest, or a stored file. */
export const TaskSourceSchema = z.union([
  z.strictObject({ url: httpUrl() }),
  z.strictObject({ file_id: idSchema('file') }),
]);
export type TaskSource = z.infer<typeof TaskSourceSchema>;

const webhookUrl = () => httpUrl().describe('Gets a POST when the task ends');

/**
 * `POST /automations/:id/run`. Strict, as the bodies of the API are: a
 * misspelt field (`optoins`, `file`) is a 400 naming it, not silently
 * dropped; and the OpenAPI document says so (`additionalProperties: false`).
 */
export const RunAutomationBodySchema = z
  .strictObject({
    url: storableText().optional(),
    file_id: storableText().optional(),
    webhook_url: webhookUrl().optional(),
  })
  .meta({ id: 'RunAutomation' });

/** `POST /tasks`: one kind on a source, or `kind: "workflow"` with a workflow. Strict. */
export const CreateTaskBodySchema = z
  .strictObject({
    url: storableText().optional(),
    file_id: storableText().optional(),
    kind: z.enum([...WORKFLOW_TASK_KINDS, 'workflow']),
    options: z.record(z.string(), z.unknown()).superRefine(checkTextIn).optional(),
    workflow: WorkflowSchema.optional(),
    webhook_url: webhookUrl().optional(),
  })
  .meta({ id: 'CreateTask' });
