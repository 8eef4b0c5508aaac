import { z } from 'zod';
import { idSchema } from './ids';
import { PageQuerySchema, listSchema } from './pagination';
import { storableJson, storableText } from './text';
import { WorkflowSchema } from './workflow';

export const AUTOMATION_STATUSES = ['active', 'paused'] as const;
export const AutomationStatusSchema = z.enum(AUTOMATION_STATUSES);
export type AutomationStatus = z.infer<typeof AutomationStatusSchema>;

export const AutomationSchema = z
  .object({
    id: idSchema('auto'),
    object: z.literal('automation'),
    name: z.string(),
    description: z.string().nullable(),
    workflow: WorkflowSchema,
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
 * The fields of a create body. `workflow` is checked separately by
 * `@mediaflow/workflow` so that every bad path is reported at once; the
 * documented shape is {@link CreateAutomationBodySchema}.
 */
export const CreateAutomationFieldsSchema = z.strictObject({
  name: name(),
  description: description().optional(),
  // Checked by @mediaflow/workflow; its strings here, so that the registry refuses them too.
  workflow: storableJson(),
  status: AutomationStatusSchema.optional(),
});

export const UpdateAutomationFieldsSchema = z.strictObject({
  name: name().optional(),
  description: description().optional(),
  workflow: storableJson().optional(),
  status: AutomationStatusSchema.optional(),
});

/** For OpenAPI: the create body as a client writes it; strict, as {@link CreateAutomationFieldsSchema}. */
export const CreateAutomationBodySchema = z
  .strictObject({
    name: name(),
    description: description().optional(),
    workflow: WorkflowSchema,
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
});
export type AutomationListQuery = z.output<typeof AutomationListQuerySchema>;

export const DeletedAutomationSchema = z
  .object({ id: idSchema('auto'), object: z.literal('automation'), deleted: z.literal(true) })
  .meta({ id: 'DeletedAutomation' });
export type DeletedAutomation = z.infer<typeof DeletedAutomationSchema>;
