import { randomBytes } from 'node:crypto';
import { CreatedProjectSchema, NewApiKeySchema, ProjectSchema } from '@mediaflow/contracts';
import { z } from 'zod';

/**
 * A project's webhook secret: the HMAC key of `Mediaflow-Signature`
 * (docs/http-api.md, Webhooks). 256 bits from the CSPRNG.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

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
