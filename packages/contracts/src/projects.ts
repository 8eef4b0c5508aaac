import { z } from 'zod';
import { idSchema } from './ids';
import { listSchema } from './pagination';
import { storableText } from './text';

export const ProjectSchema = z
  .object({
    id: idSchema('prj'),
    object: z.literal('project'),
    name: z.string(),
    created_at: z.number().int(),
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof ProjectSchema>;

export const CreateProjectBodySchema = z
  .strictObject({ name: storableText().trim().min(1, 'must not be empty').max(200) })
  .meta({ id: 'CreateProject' });

/** An API key as listed: never its secret, only its last characters. */
export const ApiKeySchema = z
  .object({
    id: idSchema('key'),
    object: z.literal('api_key'),
    name: z.string().nullable(),
    project_id: idSchema('prj'),
    admin: z.boolean(),
    secret_hint: z.string().describe('The last characters of the secret, to tell keys apart'),
    created_at: z.number().int(),
    last_used_at: z.number().int().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** A key just made: the only time its secret is shown. */
export const NewApiKeySchema = ApiKeySchema.extend({ secret: z.string() }).meta({
  id: 'NewApiKey',
});
export type NewApiKey = z.infer<typeof NewApiKeySchema>;

export const CreateApiKeyBodySchema = z
  .strictObject({ name: storableText().trim().min(1).max(200).optional() })
  .meta({ id: 'CreateApiKey' });

export const CreatedProjectSchema = z
  .object({ project: ProjectSchema, api_key: NewApiKeySchema })
  .meta({ id: 'CreatedProject' });
export type CreatedProject = z.infer<typeof CreatedProjectSchema>;

export const ApiKeyListSchema = listSchema(ApiKeySchema).meta({ id: 'ApiKeyList' });

export const DeletedApiKeySchema = z
  .object({ id: idSchema('key'), object: z.literal('api_key'), deleted: z.literal(true) })
  .meta({ id: 'DeletedApiKey' });
