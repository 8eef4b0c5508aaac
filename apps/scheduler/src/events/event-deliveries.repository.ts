import type { DeliveryAttempt, LoggedEventRecord, LoggedEventType } from '@mediaflow/contracts';
import { json, type Sql } from '../database/sql';
import type { DeliveryAfterAttempt } from '../webhooks/webhook-schedule';

/** A row of `scheduler.event_deliveries`: one event to one webhook endpoint. */
export interface EventDeliveryRow {
  /** A bigint: node-postgres gives it as a string. */
  id: string;
  event_id: string;
  endpoint_id: string;
  redelivery: boolean;
  attempts: number;
  next_attempt_at: Date | null;
  claimed_until: Date | null;
  delivered_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  attempt_history: DeliveryAttempt[];
  created_at: Date;
}

/** A delivery this sender has claimed for one attempt: where to, the key to sign with, what to send. */
export interface ClaimedEventDelivery {
  id: string;
  endpoint_id: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
  event: LoggedEventRecord;
}

/** Due now, not held by a sender, to an endpoint that is not paused. */
const SENDABLE = `d.delivered_at IS NULL AND d.next_attempt_at <= now()
  AND (d.claimed_until IS NULL OR d.claimed_until < now())
  AND w.id = d.endpoint_id AND w.status = 'active'`;

/**
 * `scheduler.event_deliveries`. Deliveries made here are named to
 * `made` (the transaction's), which the store hands to the sender once
 * they have committed.
 */
export class EventDeliveriesRepository {
  constructor(
    private readonly sql: Sql,
    private readonly made: string[],
  ) {}

  /** New deliveries, due at once. */
  async add(
    deliveries: readonly { event_id: string; endpoint_id: string }[],
    redelivery = false,
  ): Promise<void> {
    if (deliveries.length === 0) return;
    const rows = await this.sql.rows<{ id: string }>(
      `INSERT INTO scheduler.event_deliveries (event_id, endpoint_id, redelivery)
       SELECT event_id, endpoint_id, $3 FROM unnest($1::text[], $2::text[]) AS d(event_id, endpoint_id)
       RETURNING id`,
      [deliveries.map((d) => d.event_id), deliveries.map((d) => d.endpoint_id), redelivery],
    );
    this.made.push(...rows.map((row) => row.id));
  }

  /** The ids of deliveries due now that no sender holds, longest due first. */
  async due(limit: number): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT d.id FROM scheduler.event_deliveries d, scheduler.webhook_endpoints w
       WHERE ${SENDABLE} ORDER BY d.next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Takes a delivery for one attempt, for `claimMs`, if it is due, no
   * sender holds it and its endpoint is active; undefined otherwise. The
   * endpoint's URL and secret are read now: a change or a rotation applies
   * from the next attempt on.
   */
  async claim(id: string, claimMs: number): Promise<ClaimedEventDelivery | undefined> {
    const row = await this.sql.first<
      Omit<ClaimedEventDelivery, 'event'> & {
        event_id: string;
        type: LoggedEventType;
        event_created_at: string;
        data: unknown;
      }
    >(
      `UPDATE scheduler.event_deliveries d
       SET claimed_until = now() + make_interval(secs => $2::float8 / 1000)
       FROM scheduler.webhook_endpoints w, scheduler.events e
       WHERE d.id = $1::bigint AND e.id = d.event_id AND ${SENDABLE}
       RETURNING d.id, d.endpoint_id, d.attempts, d.created_at, w.url, w.secret,
                 e.id AS event_id, e.type, e.created_at::text AS event_created_at, e.data`,
      [id, claimMs],
    );
    if (!row) return undefined;
    const { event_id, type, event_created_at, data, ...delivery } = row;
    return {
      ...delivery,
      event: {
        id: event_id,
        type,
        created_at: Number(event_created_at),
        data,
      } as LoggedEventRecord,
    };
  }

  /**
   * Records an attempt and lets the claim go, only over the attempt it was
   * made after (a sender whose claim ran out and was taken over records
   * nothing). In the same statement the endpoint is marked failing when the
   * delivery has failed for good, and no longer failing once one is delivered.
   */
  async recordAttempt(
    id: string,
    after: DeliveryAfterAttempt,
    attempt: DeliveryAttempt,
  ): Promise<void> {
    await this.sql.rows(
      `WITH d AS (
         UPDATE scheduler.event_deliveries
         SET attempts = $2, last_status = $3, last_error = $4, delivered_at = $5, next_attempt_at = $6,
             last_duration_ms = $7, attempt_history = attempt_history || $8::jsonb, claimed_until = NULL
         WHERE id = $1::bigint AND attempts = $2 - 1
         RETURNING endpoint_id, delivered_at, next_attempt_at
       )
       UPDATE scheduler.webhook_endpoints w
       SET failing_since = CASE WHEN d.delivered_at IS NOT NULL THEN NULL ELSE coalesce(w.failing_since, now()) END
       FROM d
       WHERE w.id = d.endpoint_id AND (d.delivered_at IS NOT NULL OR d.next_attempt_at IS NULL)`,
      [
        id,
        after.attempts,
        after.last_status,
        after.last_error,
        after.delivered_at,
        after.next_attempt_at,
        attempt.duration_ms,
        json([attempt]),
      ],
    );
  }

  /** The deliveries of these events, oldest first. */
  ofEvents(eventIds: readonly string[]): Promise<EventDeliveryRow[]> {
    if (eventIds.length === 0) return Promise.resolve([]);
    return this.sql.rows<EventDeliveryRow>(
      'SELECT * FROM scheduler.event_deliveries WHERE event_id = ANY($1::text[]) ORDER BY id',
      [[...eventIds]],
    );
  }
}
