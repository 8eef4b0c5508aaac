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
}

/** A delivery due now, with the secret of the task it reports on. */
export type DueDelivery = WebhookDeliveryRow & { secret: string | null };

/** `scheduler.webhook_deliveries`: one per ended task with a webhook, tried until delivered or a day has passed. */
export class WebhookDeliveriesRepository {
  constructor(private readonly sql: Sql) {}

  /** Once per task: a second end (there is none; but a replayed one) adds nothing. */
  async insert(taskId: string, url: string, body: unknown): Promise<void> {
    await this.sql.rows(
      `INSERT INTO scheduler.webhook_deliveries (task_id, url, body, next_attempt_at)
       VALUES ($1, $2, $3::jsonb, now()) ON CONFLICT (task_id) DO NOTHING`,
      [taskId, url, json(body)],
    );
  }

  due(limit: number): Promise<DueDelivery[]> {
    return this.sql.rows<DueDelivery>(
      `SELECT d.*, t.webhook_secret AS secret
       FROM scheduler.webhook_deliveries d JOIN scheduler.tasks t ON t.id = d.task_id
       WHERE d.delivered_at IS NULL AND d.next_attempt_at <= now()
       ORDER BY d.next_attempt_at LIMIT $1`,
      [limit],
    );
  }

  async recordAttempt(id: string, after: DeliveryAfterAttempt): Promise<void> {
    await this.sql.rows(
      `UPDATE scheduler.webhook_deliveries
       SET attempts = $2, last_status = $3, last_error = $4, delivered_at = $5, next_attempt_at = $6
       WHERE id = $1::bigint`,
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
