import {
  CreateAutomationFieldsSchema,
  MediaflowError,
  UpdateAutomationFieldsSchema,
  type AutomationStatus,
  type AutomationTrigger,
  type ErrorDetail,
  type Workflow,
} from '@mediaflow/contracts';
import type { z } from 'zod';
import { isPlainObject } from './plain-object';
import { validateTrigger } from './validate-trigger';
import { validateWorkflow } from './validate-workflow';
import { parseWithDetails } from './zod-issues';

/** A create body, checked, with its defaults filled in. */
export interface NewAutomation {
  name: string;
  description: string | null;
  workflow: Workflow;
  /** null: run on demand only. */
  trigger: AutomationTrigger | null;
  status: AutomationStatus;
}

/** An update body, checked: only the fields it changes. */
export type AutomationChanges = Partial<NewAutomation>;

const UPDATABLE_FIELDS = ['name', 'description', 'workflow', 'trigger', 'status'] as const;

/** Check a `POST /automations` body. Throws `validation_failed` naming every problem. */
export function parseAutomationCreate(body: unknown): NewAutomation {
  const { fields, workflow, trigger } = parseBody(CreateAutomationFieldsSchema, body, []);
  return {
    name: fields.name,
    description: fields.description ?? null,
    // Present: the create schema requires `workflow`, so parseBody threw without it.
    workflow: workflow as Workflow,
    trigger: trigger ?? null,
    status: fields.status ?? 'active',
  };
}

/** Check a `PATCH /automations/:id` body. Throws `validation_failed` naming every problem. */
export function parseAutomationUpdate(body: unknown): AutomationChanges {
  const details: ErrorDetail[] = [];
  if (isPlainObject(body) && !UPDATABLE_FIELDS.some((field) => body[field] !== undefined)) {
    details.push({
      path: '',
      message: `body must change at least one of ${UPDATABLE_FIELDS.join(', ')}`,
    });
  }
  const { fields, workflow, trigger } = parseBody(UpdateAutomationFieldsSchema, body, details);
  const changes: AutomationChanges = {};
  if (fields.name !== undefined) changes.name = fields.name;
  if (fields.description !== undefined) changes.description = fields.description;
  if (workflow !== undefined) changes.workflow = workflow;
  if (trigger !== undefined) changes.trigger = trigger;
  if (fields.status !== undefined) changes.status = fields.status;
  return changes;
}

/**
 * The fields through their contract schema, the workflow through
 * validateWorkflow and the trigger through validateTrigger, so that one
 * answer lists the problems of all of them.
 */
function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  details: ErrorDetail[],
): { fields: z.output<S>; workflow?: Workflow; trigger?: AutomationTrigger | null } {
  if (!isPlainObject(body)) throw invalid([{ path: '', message: 'must be a JSON object' }]);
  const fields = parseWithDetails(schema, body);
  if (!fields.ok) details.push(...fields.details);

  let workflow: Workflow | undefined;
  // A missing workflow is the fields schema's to report (required on create, optional on update).
  if (body.workflow !== undefined) {
    const checked = validateWorkflow(body.workflow, { path: ['workflow'] });
    if (checked.ok) workflow = checked.workflow;
    else details.push(...checked.details);
  }
  let trigger: AutomationTrigger | null | undefined;
  if (body.trigger !== undefined) {
    const checked = validateTrigger(body.trigger, ['trigger']);
    if (checked.ok) trigger = checked.trigger;
    else details.push(...checked.details);
  }

  if (!fields.ok || details.length > 0) throw invalid(details);
  return { fields: fields.data, workflow, trigger };
}

function invalid(details: ErrorDetail[]): MediaflowError {
  return new MediaflowError('validation_failed', 'The request is invalid', details);
}
