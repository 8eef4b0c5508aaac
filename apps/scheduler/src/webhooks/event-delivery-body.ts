import {
  isFileEvent,
  isTaskEvent,
  publicFile,
  type Automation,
  type LoggedEventRecord,
  type PublicFile,
} from '@mediaflow/contracts';
import { toWebhookBody, type WebhookTask } from './webhook-body';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

/** What a receiver deduplicates on: the event's id, the same on every delivery of it. */
export const EVENT_ID_HEADER = 'Mediaflow-Event-Id';
export const EVENT_TYPE_HEADER = 'Mediaflow-Event-Type';

/** The body POSTed to a webhook endpoint: the event's envelope, as the event streams send it. */
export interface EventDeliveryBody {
  id: string;
  type: LoggedEventRecord['type'];
  created_at: number;
  data: WebhookTask | PublicFile | Automation;
}

/**
 * An event as a webhook endpoint gets it: the envelope of the event
 * streams, its data public as in per-task webhooks (files without `url`,
 * which only the gateway signs, nor where they are stored).
 */
export function eventDeliveryBody(event: LoggedEventRecord): EventDeliveryBody {
  const { id, type, created_at } = event;
  if (isTaskEvent(event)) return { id, type, created_at, data: toWebhookBody(event.data) };
  if (isFileEvent(event)) return { id, type, created_at, data: publicFile(event.data) };
  return { id, type, created_at, data: event.data };
}

/** The headers of a delivery of `body`, signed with the endpoint's secret at `timestamp`. */
export function eventDeliveryHeaders(
  secret: string,
  body: string,
  event: { id: string; type: string },
  timestamp: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Mediaflow-Webhooks/1',
    [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, body, timestamp),
    [EVENT_ID_HEADER]: event.id,
    [EVENT_TYPE_HEADER]: event.type,
  };
}
