import type { EnabledEvent, WebhookEndpoint, WebhookEndpointStatus } from '@mediaflow/contracts';
import { toUnixSeconds, toUnixSecondsOrNull } from '@mediaflow/database';

/** A row of `scheduler.webhook_endpoints`, as `SELECT *` returns it. */
export interface WebhookEndpointRow {
  id: string;
  project_id: string;
  url: string;
  enabled_events: EnabledEvent[];
  status: WebhookEndpointStatus;
  /** The HMAC key of its deliveries: never answered but by a create or a rotation. */
  secret: string;
  failing_since: Date | null;
  /** The gateway's claim of the `Idempotency-Key` it was created with, if any: never answered. */
  idempotency_key: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The endpoint as the API shows it: never its secret. */
export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    enabled_events: row.enabled_events,
    status: row.status,
    failing: row.failing_since !== null,
    failing_since: toUnixSecondsOrNull(row.failing_since),
    created_at: toUnixSeconds(row.created_at),
    updated_at: toUnixSeconds(row.updated_at),
  };
}
