import { z } from 'zod';
import { ConditionSchema } from './file-properties';
import { idSchema } from './ids';
import { PageQuerySchema, listSchema } from './pagination';
import { storableJson, storableText } from './text';
import { WORKFLOW_LIMITS, WorkflowSchema } from './workflow';

export const AUTOMATION_STATUSES = ['active', 'paused'] as const;
export const AutomationStatusSchema = z.enum(AUTOMATION_STATUSES);
export type AutomationStatus = z.infer<typeof AutomationStatusSchema>;

/** What can start an automation by itself: a file stored by `POST /files`. */
export const TRIGGER_EVENTS = ['file.created'] as const;
export const TriggerEventSchema = z.enum(TRIGGER_EVENTS);
export type TriggerEvent = z.infer<typeof TriggerEventSchema>;

const TRIGGER_DESCRIPTION =
  'Runs the automation by itself on each file `POST /files` stores (upload or URL) whose properties meet ' +
  '`conditions`, while the automation is active. Files that runs make never fire triggers. `null`: on demand only (`POST /automations/{id}/run`)';

/** An automation's trigger as stored and answered: `conditions` always present, empty for every file. */
export const AutomationTriggerSchema = z
  .strictObject({
    kind: z.literal('event'),
    event: TriggerEventSchema,
    conditions: z
      .array(ConditionSchema)
      .max(WORKFLOW_LIMITS.maxConditions)
      .describe(
        "The file's properties, as a `conditions` step tests them; all must hold (AND). Empty: every file",
      ),
  })
  .describe(TRIGGER_DESCRIPTION)
  .meta({ id: 'AutomationTrigger' });
export type AutomationTrigger = z.infer<typeof AutomationTriggerSchema>;

export const AutomationSchema = z
  .object({
    id: idSchema('auto'),
    object: z.literal('automation'),
    name: z.string(),
    description: z.string().nullable(),
    workflow: WorkflowSchema,
    trigger: AutomationTriggerSchema.nullable(),
    status: AutomationStatusSchema,
    created_at: z.number().int().describe('Unix seconds'),
    updated_at: z.number().int().describe('Unix seconds'),
  })
  .meta({ id: 'Automation' });
export type Automation = z.infer<typeof AutomationSchema>;

export const AutomationListSchema = listSchema(AutomationSchema).meta({ id: 'AutomationList' });

const name = () => storableText().trim().min(1, 'must not be empty').max(200);
const description = () => storableText().max(2000).nullable();

/**
 * The fields of a create body. `workflow` and `trigger` are checked
 * separately by `@mediaflow/workflow` so that every bad path is reported at
 * once; the documented shape is {@link CreateAutomationBodySchema}.
 */
export const CreateAutomationFieldsSchema = z.strictObject({
  name: name(),
  description: description().optional(),
  // Checked by @mediaflow/workflow; its strings here, so that the registry refuses them too.
  workflow: storableJson(),
  trigger: storableJson().optional(),
  status: AutomationStatusSchema.optional(),
});

export const UpdateAutomationFieldsSchema = z.strictObject({
  name: name().optional(),
  description: description().optional(),
  workflow: storableJson().optional(),
  trigger: storableJson().optional(),
  status: AutomationStatusSchema.optional(),
});

/** For OpenAPI: a trigger as a client writes it (`conditions` may be left out: every file). */
export const AutomationTriggerBodySchema = AutomationTriggerSchema.extend({
  conditions: AutomationTriggerSchema.shape.conditions.optional().meta({ default: [] }),
})
  .describe(TRIGGER_DESCRIPTION)
  .meta({ id: 'AutomationTriggerBody' });

/** For OpenAPI: the create body as a client writes it; strict, as {@link CreateAutomationFieldsSchema}. */
export const CreateAutomationBodySchema = z
  .strictObject({
    name: name(),
    description: description().optional(),
    workflow: WorkflowSchema,
    trigger: AutomationTriggerBodySchema.nullable().optional().meta({ default: null }),
    status: AutomationStatusSchema.optional().meta({ default: 'active' }),
  })
  .meta({ id: 'CreateAutomation' });
export type CreateAutomationBody = z.infer<typeof CreateAutomationBodySchema>;

export const UpdateAutomationBodySchema = CreateAutomationBodySchema.partial().meta({
  id: 'UpdateAutomation',
});
export type UpdateAutomationBody = z.infer<typeof UpdateAutomationBodySchema>;

export const AutomationListQuerySchema = PageQuerySchema.extend({
  status: AutomationStatusSchema.optional(),
  name: storableText()
    .min(1)
    .max(200)
    .optional()
    .describe('Only the automations with exactly this name (case-sensitive; names are not unique)'),
});
export type AutomationListQuery = z.output<typeof AutomationListQuerySchema>;

export const DeletedAutomationSchema = z
  .object({ id: idSchema('auto'), object: z.literal('automation'), deleted: z.literal(true) })
  .meta({ id: 'DeletedAutomation' });
export type DeletedAutomation = z.infer<typeof DeletedAutomationSchema>;
