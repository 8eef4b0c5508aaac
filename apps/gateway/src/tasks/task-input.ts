import {
  CreateTaskBodySchema,
  MediaflowError,
  RunAutomationBodySchema,
  TASK_KINDS,
  TaskSourceSchema,
  type ErrorDetail,
  type TaskSource,
  type Workflow,
  type WorkflowTaskKind,
} from '@mediaflow/contracts';
import { parseWithDetails, validateWorkflow } from '@mediaflow/workflow';
import { z } from 'zod';

/** `POST /automations/:id/run`, checked. */
export interface RunRequest {
  source: TaskSource;
  webhookUrl: string | null;
}

/** `POST /tasks`, checked: a run of an ad-hoc workflow, or one task of a kind. */
export type TaskSubmission =
  | { kind: 'workflow'; workflow: Workflow; source: TaskSource; webhookUrl: string | null }
  | {
      kind: WorkflowTaskKind;
      options: Record<string, unknown>;
      source: TaskSource;
      webhookUrl: string | null;
    };

// The workflow is checked by validateWorkflow, which names the JSON path of every problem.
const TaskFieldsSchema = CreateTaskBodySchema.extend({ workflow: z.unknown().optional() });
const [UrlSourceSchema, FileSourceSchema] = TaskSourceSchema.options;

/** Check a `POST /automations/:id/run` body. Throws `validation_failed` naming every problem. */
export function parseRunRequest(body: unknown): RunRequest {
  const fields = parseFields(RunAutomationBodySchema, body);
  const details = fields.ok ? [] : fields.details;
  const source = fields.ok ? parseSource(fields.data, details) : undefined;
  if (!fields.ok || !source || details.length > 0) throw invalid(details);
  return { source, webhookUrl: fields.data.webhook_url ?? null };
}

/** Check a `POST /tasks` body. Throws `validation_failed` naming every problem. */
export function parseTaskSubmission(body: unknown): TaskSubmission {
  const fields = parseFields(TaskFieldsSchema, body);
  if (!fields.ok) throw invalid(fields.details);
  const { kind, options, workflow, webhook_url } = fields.data;
  const details: ErrorDetail[] = [];
  const source = parseSource(fields.data, details);
  const webhookUrl = webhook_url ?? null;

  if (kind === 'workflow') {
    if (options !== undefined) {
      details.push({
        path: 'options',
        message: 'is not used with kind workflow: give each step its options',
      });
    }
    let checked: Workflow | undefined;
    if (workflow === undefined) {
      details.push({ path: 'workflow', message: 'is required when kind is workflow' });
    } else {
      const validation = validateWorkflow(workflow, { path: ['workflow'] });
      if (validation.ok) checked = validation.workflow;
      else details.push(...validation.details);
    }
    if (!source || !checked || details.length > 0) throw invalid(details);
    return { kind, workflow: checked, source, webhookUrl };
  }

  if (workflow !== undefined) {
    details.push({ path: 'workflow', message: 'is only used with kind workflow' });
  }
  const parsedOptions = parseWithDetails(TASK_KINDS[kind].options, options ?? {}, {
    path: ['options'],
    kind,
  });
  if (!parsedOptions.ok) details.push(...parsedOptions.details);
  if (!source || !parsedOptions.ok || details.length > 0) throw invalid(details);
  return { kind, options: parsedOptions.data as Record<string, unknown>, source, webhookUrl };
}

function parseFields<S extends z.ZodType>(schema: S, raw: unknown) {
  // No body at all reads as `{}`, so the answer names what is missing.
  const body = raw === undefined ? {} : raw;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false as const, details: [{ path: '', message: 'must be a JSON object' }] };
  }
  return parseWithDetails(schema, body);
}

/** Exactly one of `url` and `file_id` (docs/http-api.md, Tasks and runs). */
function parseSource(
  fields: { url?: string; file_id?: string },
  details: ErrorDetail[],
): TaskSource | undefined {
  const { url, file_id } = fields;
  if (url !== undefined && file_id !== undefined) {
    details.push({ path: '', message: 'must have either url or file_id, not both' });
    return undefined;
  }
  if (url === undefined && file_id === undefined) {
    details.push({ path: '', message: 'must have a url or a file_id' });
    return undefined;
  }
  const outcome =
    url !== undefined
      ? parseWithDetails(UrlSourceSchema, { url })
      : parseWithDetails(FileSourceSchema, { file_id });
  if (outcome.ok) return outcome.data;
  details.push(...outcome.details);
  return undefined;
}

function invalid(details: ErrorDetail[]): MediaflowError {
  return new MediaflowError('validation_failed', 'The request body is invalid', details);
}
