import type {
  EventDelivery,
  LoggedEventRecord,
  LoggedEventWithDeliveries,
} from '@mediaflow/contracts';
import { toUnixSeconds, toUnixSecondsOrNull } from '@mediaflow/database';
import type { EventDeliveryRow } from './event-deliveries.repository';

/**
 * A delivery as `GET /events` shows it. `failed` is a delivery given up
 * on: not delivered and nothing more planned (a day of retries, or its
 * address refused). A delivery waiting for its endpoint to be active again
 * is still `pending`.
 */
export function toEventDelivery(row: EventDeliveryRow): EventDelivery {
  const status = row.delivered_at
    ? 'delivered'
    : row.next_attempt_at === null
      ? 'failed'
      : 'pending';
  return {
    endpoint_id: row.endpoint_id,
    status,
    attempts: row.attempts,
    http_status: row.last_status,
    duration_ms: row.last_duration_ms,
    error: row.last_error,
    next_attempt_at: status === 'pending' ? toUnixSecondsOrNull(row.next_attempt_at) : null,
    redelivery: row.redelivery,
    created_at: toUnixSeconds(row.created_at),
    delivered_at: toUnixSecondsOrNull(row.delivered_at),
    attempt_history: row.attempt_history,
  };
}

/** Each event with its deliveries (rows of any of them, oldest first). */
export function withDeliveries(
  events: readonly LoggedEventRecord[],
  rows: readonly EventDeliveryRow[],
): LoggedEventWithDeliveries[] {
  const byEvent = new Map<string, EventDelivery[]>();
  for (const row of rows)
    byEvent.set(row.event_id, [...(byEvent.get(row.event_id) ?? []), toEventDelivery(row)]);
  return events.map((event) => ({ event, deliveries: byEvent.get(event.id) ?? [] }));
}
