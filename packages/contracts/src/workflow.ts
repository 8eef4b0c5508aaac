import { z } from 'zod';
import { ConditionSchema, type Condition } from './file-properties';
import { WORKFLOW_TASK_KINDS, type WorkflowTaskKind } from './kinds';

/** Limits of docs/http-api.md: past them a workflow is a 400. */
export const WORKFLOW_LIMITS = {
  maxSteps: 64,
  maxDepth: 8,
  maxConditions: 32,
  /** Values in one `in` / `not_in` list. */
  maxConditionValues: 100,
  maxBodyBytes: 256 * 1024,
} as const;

export const REF_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Keys a task step has besides its options; anything else beside `kind` is a flat option. */
export const TASK_STEP_KEYS = ['kind', 'options', 'ref', 'next'] as const;
export const CONDITIONS_STEP_KEYS = ['kind', 'ref', 'conditions', 'next', 'else'] as const;

export interface TaskStep {
  kind: WorkflowTaskKind;
  options?: Record<string, unknown>;
  ref?: string;
  next?: WorkflowStep[];
}

export interface ConditionsStep {
  kind: 'conditions';
  conditions: Condition[];
  ref?: string;
  next?: WorkflowStep[];
  else?: WorkflowStep[];
}

/** A step of a normalised workflow: options always under `options`. */
export type WorkflowStep = TaskStep | ConditionsStep;
export type Workflow = WorkflowStep[];

export function isConditionsStep(step: WorkflowStep): step is ConditionsStep {
  return step.kind === 'conditions';
}

const RefSchema = z
  .string()
  .regex(REF_PATTERN)
  .describe("A name unique in the workflow that labels the step's output");

/**
 * The normalised workflow, for OpenAPI and for typing stored workflows.
 * Validation with JSON paths, flat options and input compatibility is done
 * by `@mediaflow/workflow`, which returns data of this shape.
 */
export const TaskStepSchema: z.ZodType<TaskStep> = z
  .object({
    kind: z.enum(WORKFLOW_TASK_KINDS),
    options: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "The kind's options (see its `<Kind>Options` schema); may also be written flat beside `kind`",
      ),
    ref: RefSchema.optional(),
    get next() {
      return z
        .array(WorkflowStepSchema)
        .optional()
        .describe('Steps that run after this one, on its output');
    },
  })
  .meta({ id: 'TaskStep' }) as z.ZodType<TaskStep>;

export const ConditionsStepSchema: z.ZodType<ConditionsStep> = z
  .strictObject({
    kind: z.literal('conditions'),
    conditions: z.array(ConditionSchema).min(1).describe('All must hold (AND) for `next` to run'),
    ref: RefSchema.optional(),
    get next() {
      return z.array(WorkflowStepSchema).optional();
    },
    get else() {
      return z
        .array(WorkflowStepSchema)
        .optional()
        .describe('Runs when the conditions do not hold');
    },
  })
  .meta({ id: 'ConditionsStep' }) as z.ZodType<ConditionsStep>;

export const WorkflowStepSchema: z.ZodType<WorkflowStep> = z
  .union([TaskStepSchema, ConditionsStepSchema])
  .meta({ id: 'WorkflowStep' }) as z.ZodType<WorkflowStep>;

export const WorkflowSchema = z.array(WorkflowStepSchema).min(1).max(WORKFLOW_LIMITS.maxSteps);
