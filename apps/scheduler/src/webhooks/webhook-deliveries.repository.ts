import { json, type Sql } from '../database/sql';
import type { DeliveryAfterAttempt } from './webhook-schedule';

export interface WebhookDeliveryRow {
  /** A bigint: node-postgres gives it as a string. */
  id: string;
  task_id: string;
  url: string;
  body: unknown;
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  /** Held by the sender POSTing it until then; past it (the sender died) anyone may take it. */
  claimed_until: Date | null;
}

/** A delivery this sender has claimed for one attempt, with the secret of the task it reports on. */
export type ClaimedDelivery = WebhookDeliveryRow & { secret: string | null };

/** Due now and not held by a sender. */
const SENDABLE = `d.delivered_at IS NULL AND d.next_attempt_at <= now()
  AND (d.claimed_until IS NULL OR d.claimed_until < now())`;

/** `scheduler.webhook_deliveries`: one per ended task with a webhook, tried until delivered or a day has passed. */
export class WebhookDeliveriesRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Once per task: a second end (there is none; but a replayed one) adds
   * nothing. Answers the new delivery's id, to send once the transaction has
   * committed; undefined when there already was one.
   */
  async insert(
    task: { id: string; attempt: number },
    url: string,
    body: unknown,
  ): Promise<string | undefined> {
    // One per time the task ends: a retried run (or task) that ends again is news again.
    const row = await this.sql.first<{ id: string }>(
      `INSERT INTO scheduler.webhook_deliveries (task_id, task_attempt, url, body, next_attempt_at)
       VALUES ($1, $2, $3, $4::jsonb, now()) ON CONFLICT (task_id, task_attempt) DO NOTHING RETURNING id`,
      [task.id, task.attempt, url, json(body)],
    );
    return row?.id;
  }

  /** The ids of deliveries due now that no sender holds, longest due first. */
  async due(limit: number): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT d.id FROM scheduler.webhook_deliveries d
       WHERE ${SENDABLE} ORDER BY d.next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Takes a delivery for one attempt, for `claimMs`, if it is due and no
   * sender holds it: of senders racing for it, one gets it (the others wait
   * on the row's lock, then find it claimed). Undefined for everyone else.
   */
  claim(id: string, claimMs: number): Promise<ClaimedDelivery | undefined> {
    return this.sql.first<ClaimedDelivery>(
      `UPDATE scheduler.webhook_deliveries d
       SET claimed_until = now() + make_interval(secs => $2::float8 / 1000)
       FROM scheduler.tasks t
       WHERE d.id = $1::bigint AND t.id = d.task_id AND ${SENDABLE}
       RETURNING d.*, t.webhook_secret AS secret`,
      [id, claimMs],
    );
  }

  /**
   * Records an attempt and lets the claim go. Only over the attempt it was
   * made after: a sender whose claim ran out and was taken over records nothing.
   */
  async recordAttempt(id: string, after: DeliveryAfterAttempt): Promise<void> {
    await this.sql.rows(
      `UPDATE scheduler.webhook_deliveries
       SET attempts = $2, last_status = $3, last_error = $4, delivered_at = $5, next_attempt_at = $6,
           claimed_until = NULL
       WHERE id = $1::bigint AND attempts = $2 - 1`,
      [
        id,
        after.attempts,
        after.last_status,
        after.last_error,
        after.delivered_at,
        after.next_attempt_at,
      ],
    );
  }

  ofTask(taskId: string): Promise<WebhookDeliveryRow[]> {
    return this.sql.rows<WebhookDeliveryRow>(
      'SELECT * FROM scheduler.webhook_deliveries WHERE task_id = $1',
      [taskId],
    );
  }
}
