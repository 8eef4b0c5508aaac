import type { PageQuery } from '@mediaflow/contracts';
import type { Sql } from '../database/sql';
import type { WebhookEndpointRow } from './webhook-endpoint-row';

export type NewWebhookEndpoint = Pick<
  WebhookEndpointRow,
  'id' | 'project_id' | 'url' | 'enabled_events' | 'status' | 'secret' | 'idempotency_key'
>;

export type WebhookEndpointChanges = Partial<
  Pick<WebhookEndpointRow, 'url' | 'enabled_events' | 'status'>
>;

/** `scheduler.webhook_endpoints`; every query scoped by project. */
export class WebhookEndpointsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * The new endpoint; undefined when its idempotency claim has made one
   * already (the claim's unique index: a twin still running is waited for).
   */
  insert(endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRow | undefined> {
    return this.sql.first<WebhookEndpointRow>(
      `INSERT INTO scheduler.webhook_endpoints
         (id, project_id, url, enabled_events, status, secret, idempotency_key)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7)
       ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING *`,
      [
        endpoint.id,
        endpoint.project_id,
        endpoint.url,
        endpoint.enabled_events,
        endpoint.status,
        endpoint.secret,
        endpoint.idempotency_key,
      ],
    );
  }

  /** The endpoint made for this idempotency claim, if any. */
  findByIdempotencyKey(projectId: string, key: string): Promise<WebhookEndpointRow | undefined> {
    return this.sql.first<WebhookEndpointRow>(
      'SELECT * FROM scheduler.webhook_endpoints WHERE project_id = $1 AND idempotency_key = $2',
      [projectId, key],
    );
  }

  list(projectId: string, page: PageQuery): Promise<{ rows: WebhookEndpointRow[]; total: number }> {
    return this.sql.page<WebhookEndpointRow>(
      'scheduler.webhook_endpoints',
      'project_id = $1',
      [projectId],
      page,
    );
  }

  find(projectId: string, id: string): Promise<WebhookEndpointRow | undefined> {
    return this.sql.first<WebhookEndpointRow>(
      'SELECT * FROM scheduler.webhook_endpoints WHERE id = $1 AND project_id = $2',
      [id, projectId],
    );
  }

  /** The project's active endpoints, oldest first. */
  active(projectId: string): Promise<WebhookEndpointRow[]> {
    return this.sql.rows<WebhookEndpointRow>(
      `SELECT * FROM scheduler.webhook_endpoints WHERE project_id = $1 AND status = 'active'
       ORDER BY created_at, id`,
      [projectId],
    );
  }

  /** The fields given, changed in one statement; undefined when there is no such endpoint. */
  update(
    projectId: string,
    id: string,
    changes: WebhookEndpointChanges,
  ): Promise<WebhookEndpointRow | undefined> {
    return this.sql.first<WebhookEndpointRow>(
      `UPDATE scheduler.webhook_endpoints
       SET url = coalesce($3, url), enabled_events = coalesce($4::text[], enabled_events),
           status = coalesce($5, status), updated_at = now()
       WHERE id = $1 AND project_id = $2 RETURNING *`,
      [id, projectId, changes.url ?? null, changes.enabled_events ?? null, changes.status ?? null],
    );
  }

  rotateSecret(
    projectId: string,
    id: string,
    secret: string,
  ): Promise<WebhookEndpointRow | undefined> {
    return this.sql.first<WebhookEndpointRow>(
      `UPDATE scheduler.webhook_endpoints SET secret = $3, updated_at = now()
       WHERE id = $1 AND project_id = $2 RETURNING *`,
      [id, projectId, secret],
    );
  }

  /** Its deliveries go with it. True when this call deleted it. */
  async delete(projectId: string, id: string): Promise<boolean> {
    return (
      (await this.sql.count(
        'DELETE FROM scheduler.webhook_endpoints WHERE id = $1 AND project_id = $2',
        [id, projectId],
      )) > 0
    );
  }
}
