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

/**
 * The most a project may be given (by `PATCH /projects/:id`, or as the
 * gateway's default): past it a limit protects nothing.
 */
export const MAX_REQUESTS_PER_SECOND = 10_000;
export const MAX_RUNS_IN_FLIGHT = 1_000_000;

const requestsPerSecond = () =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_REQUESTS_PER_SECOND)
    .describe(
      'Requests per second, averaged over MEDIAFLOW_RATE_LIMIT_WINDOW_S (10 s by default): the project ' +
        'may make rps × window requests in each window, all at once if it likes',
    );

const runsInFlight = () =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_RUNS_IN_FLIGHT)
    .describe(
      'Runs, single tasks and file ingests the project may have in flight (not yet ended): past it, ' +
        'creating one answers 429 `rate_limited`',
    );

/** `limits` in the project object: `null` where the gateway's default applies. */
export const ProjectLimitsSchema = z
  .object({
    requests_per_second: requestsPerSecond()
      .nullable()
      .describe(
        "The project's own limit of requests per second (averaged over MEDIAFLOW_RATE_LIMIT_WINDOW_S); " +
          '`null`: the gateway default, MEDIAFLOW_RATE_LIMIT_RPS',
      ),
    runs_in_flight: runsInFlight()
      .nullable()
      .describe(
        "The project's own limit of runs in flight; `null`: the gateway default, MEDIAFLOW_RUNS_IN_FLIGHT",
      ),
  })
  .meta({ id: 'ProjectLimits' });
export type ProjectLimits = z.output<typeof ProjectLimitsSchema>;

/** `GET /projects/:id` and `PATCH /projects/:id`: the project with its limits. */
export const ProjectWithLimitsSchema = ProjectSchema.extend({ limits: ProjectLimitsSchema }).meta({
  id: 'ProjectWithLimits',
});
export type ProjectWithLimits = z.output<typeof ProjectWithLimitsSchema>;

/**
 * `PATCH /projects/:id`: a limit the gateway does not enforce is refused
 * (400), never stored and ignored.
 */
export const UpdateProjectBodySchema = z
  .strictObject({
    limits: z
      .strictObject({
        requests_per_second: requestsPerSecond()
          .nullable()
          .optional()
          .describe(
            `1..${MAX_REQUESTS_PER_SECOND} requests per second; \`null\`: back to the gateway default; left out: unchanged`,
          ),
        runs_in_flight: runsInFlight()
          .nullable()
          .optional()
          .describe(
            `1..${MAX_RUNS_IN_FLIGHT} runs in flight; \`null\`: back to the gateway default; left out: unchanged`,
          ),
      })
      .describe('The limits to change; a limit left out keeps its value'),
  })
  .meta({ id: 'UpdateProject' });
export type ProjectLimitsUpdate = z.output<typeof UpdateProjectBodySchema>['limits'];

const webhookSecret = () =>
  z.string().describe('Key of the HMAC-SHA256 in the `Mediaflow-Signature` header of webhooks');

/** `GET /webhook-secret`. */
export const WebhookSecretSchema = z
  .object({ object: z.literal('webhook_secret'), secret: webhookSecret() })
  .meta({ id: 'WebhookSecret' });
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>;

/** `POST /projects` answers the new project with its webhook secret. */
export const CreatedProjectWithWebhookSecretSchema = CreatedProjectSchema.extend({
  project: ProjectSchema.extend({ webhook_secret: webhookSecret() }).meta({
    id: 'ProjectWithWebhookSecret',
  }),
  api_key: NewApiKeySchema,
}).meta({ id: 'CreatedProjectWithWebhookSecret' });
export type CreatedProjectWithWebhookSecret = z.infer<typeof CreatedProjectWithWebhookSecretSchema>;
