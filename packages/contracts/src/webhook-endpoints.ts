import { z } from 'zod';
import { LOGGED_EVENT_TYPES, type LoggedEventType } from './event-log';
import { idSchema } from './ids';
import { PageQuerySchema, listSchema } from './pagination';
import { httpUrl } from './text';

export const WEBHOOK_ENDPOINT_STATUSES = ['active', 'paused'] as const;
export const WebhookEndpointStatusSchema = z.enum(WEBHOOK_ENDPOINT_STATUSES);
export type WebhookEndpointStatus = z.infer<typeof WebhookEndpointStatusSchema>;

/** Every type, now and later. */
export const ALL_EVENTS = '*';
export type EnabledEvent = LoggedEventType | typeof ALL_EVENTS;

/**
 * The types an endpoint asks for, each once, in the order given; `*`
 * stands alone, so that what an endpoint gets is never ambiguous.
 */
const enabledEvents = () =>
  z
    .array(z.enum([ALL_EVENTS, ...LOGGED_EVENT_TYPES]))
    .min(1, 'must name at least one event type, or "*"')
    .max(LOGGED_EVENT_TYPES.length + 1)
    .refine((types) => !types.includes(ALL_EVENTS) || types.length === 1, {
      message: '"*" means every type: list it alone',
    })
    .transform((types) => [...new Set(types)])
    .describe('The event types to deliver, or `["*"]` for every type, those added later included');

const endpointUrl = () =>
  httpUrl().describe(
    'Where deliveries are POSTed: held to the address rules of ingest (a public address, or one MEDIAFLOW_ALLOWED_HOSTS allows), checked here and at every delivery',
  );

export const WebhookEndpointSchema = z
  .object({
    id: idSchema('we'),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    enabled_events: z.array(z.enum([ALL_EVENTS, ...LOGGED_EVENT_TYPES])),
    status: WebhookEndpointStatusSchema.describe(
      '`paused`: nothing is delivered to it; deliveries made before wait until it is active again',
    ),
    failing: z
      .boolean()
      .describe(
        'A delivery to it has failed for good (retried for a day, or its address refused); the next delivered one clears it',
      ),
    failing_since: z.number().int().nullable().describe('Unix seconds, while `failing`'),
    created_at: z.number().int(),
    updated_at: z.number().int(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

/** The answer of a create and of a rotation: the only ones that show the secret. */
export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z
    .string()
    .describe(
      'Key of the HMAC-SHA256 in `Mediaflow-Signature`: shown in this answer only. Keep it; rotate to get a new one',
    ),
}).meta({ id: 'WebhookEndpointWithSecret' });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecretSchema>;

export const WebhookEndpointListSchema = listSchema(WebhookEndpointSchema).meta({
  id: 'WebhookEndpointList',
});
export const WebhookEndpointListQuerySchema = PageQuerySchema.extend({}).strict();

export const DeletedWebhookEndpointSchema = z
  .object({ id: idSchema('we'), object: z.literal('webhook_endpoint'), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });
export type DeletedWebhookEndpoint = z.infer<typeof DeletedWebhookEndpointSchema>;

export const CreateWebhookEndpointBodySchema = z
  .strictObject({
    url: endpointUrl(),
    enabled_events: enabledEvents(),
    status: WebhookEndpointStatusSchema.optional().meta({ default: 'active' }),
  })
  .meta({ id: 'CreateWebhookEndpoint' });
export type CreateWebhookEndpointBody = z.output<typeof CreateWebhookEndpointBodySchema>;

export const UpdateWebhookEndpointBodySchema = z
  .strictObject({
    url: endpointUrl().optional(),
    enabled_events: enabledEvents().optional(),
    status: WebhookEndpointStatusSchema.optional(),
  })
  .meta({ id: 'UpdateWebhookEndpoint' });
export type UpdateWebhookEndpointBody = z.output<typeof UpdateWebhookEndpointBodySchema>;

/** Whether an endpoint asking for `enabledEvents` gets an event of `type`. */
export function endpointWants(enabledEvents: readonly string[], type: string): boolean {
  return enabledEvents.includes(ALL_EVENTS) || enabledEvents.includes(type);
}
