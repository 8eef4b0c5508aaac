import {
  CreateWebhookEndpointBodySchema,
  ID_PREFIX,
  MediaflowError,
  UpdateWebhookEndpointBodySchema,
  WebhookEndpointListQuerySchema,
  idSchema,
  newId,
  notFound,
  toList,
  type DeletedWebhookEndpoint,
  type List,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@mediaflow/contracts';
import { parseWithDetails } from '@mediaflow/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { SchedulerConfig } from '../config';
import { SchedulerStore, type Repositories } from '../database/scheduler-store';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import { endpointAddressRefusal } from './endpoint-address';
import { newEndpointSecret } from './endpoint-secret';
import { toWebhookEndpoint, type WebhookEndpointRow } from './webhook-endpoint-row';

const endpointId = idSchema(ID_PREFIX.webhookEndpoint);

/**
 * The project's webhook endpoints. The scheduler owns them, beside the
 * event log and the sender that delivers to them; it checks every body
 * itself (the gateway has too) and holds each URL to the address rules of
 * ingest when it is saved, as the sender does at every delivery. The
 * secret is answered only by a create and a rotation.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly store: SchedulerStore,
    @Inject(SCHEDULER_CONFIG)
    private readonly config: Pick<SchedulerConfig, 'MEDIAFLOW_ALLOWED_HOSTS'>,
  ) {}

  /**
   * A new endpoint, with its secret. With an idempotency claim, once: the
   * claim is written by the INSERT (unique per project), so a request that
   * resumes it (its first try cut short after the commit) or runs beside it
   * gets the endpoint the claim made, with its secret as it is now (a
   * rotation since included), and no second endpoint is made.
   */
  async create(
    projectId: string,
    body: unknown,
    claim?: string,
  ): Promise<WebhookEndpointWithSecret> {
    const fields = parse(CreateWebhookEndpointBodySchema, body, 'The request body is invalid');
    const madeFor = async () =>
      claim === undefined
        ? undefined
        : this.store.autocommit((repos) =>
            repos.webhookEndpoints.findByIdempotencyKey(projectId, claim),
          );
    // Made already: answered as it is, its address not checked again.
    const made = await madeFor();
    if (made) return withSecret(made);
    await this.checkAddress(fields.url);
    const row =
      (await this.store.autocommit((repos) =>
        repos.webhookEndpoints.insert({
          id: newId(ID_PREFIX.webhookEndpoint),
          project_id: projectId,
          url: fields.url,
          enabled_events: fields.enabled_events,
          status: fields.status ?? 'active',
          secret: newEndpointSecret(),
          idempotency_key: claim ?? null,
        }),
      )) ?? (await madeFor());
    if (!row) throw new Error(`the webhook endpoint of claim ${claim} is neither made nor found`);
    return withSecret(row);
  }

  async list(projectId: string, query: Record<string, unknown>): Promise<List<WebhookEndpoint>> {
    const page = parse(WebhookEndpointListQuerySchema, query, 'The list query is invalid');
    const { rows, total } = await this.store.autocommit((repos) =>
      repos.webhookEndpoints.list(projectId, page),
    );
    return toList(rows.map(toWebhookEndpoint), page, total);
  }

  async get(projectId: string, id: string): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(
      await this.found(id, (repos) => repos.webhookEndpoints.find(projectId, id)),
    );
  }

  async update(projectId: string, id: string, body: unknown): Promise<WebhookEndpoint> {
    const changes = parse(UpdateWebhookEndpointBodySchema, body, 'The request body is invalid');
    if (changes.url !== undefined) await this.checkAddress(changes.url);
    return toWebhookEndpoint(
      await this.found(id, (repos) => repos.webhookEndpoints.update(projectId, id, changes)),
    );
  }

  /** A new secret, at once: the old one signs nothing more, retries of earlier deliveries included. */
  async rotateSecret(projectId: string, id: string): Promise<WebhookEndpointWithSecret> {
    const secret = newEndpointSecret();
    return withSecret(
      await this.found(id, (repos) => repos.webhookEndpoints.rotateSecret(projectId, id, secret)),
    );
  }

  async delete(projectId: string, id: string): Promise<DeletedWebhookEndpoint> {
    await this.found(id, async (repos) =>
      (await repos.webhookEndpoints.delete(projectId, id)) ? id : undefined,
    );
    return { id, object: 'webhook_endpoint', deleted: true };
  }

  /** What `work` finds of endpoint `id`; a 404 when nothing (another project's included). */
  private async found<T>(
    id: string,
    work: (repos: Repositories) => Promise<T | undefined>,
  ): Promise<T> {
    if (!endpointId.safeParse(id).success) throw notFound('webhook endpoint', id);
    const found = await this.store.autocommit(work);
    if (found === undefined) throw notFound('webhook endpoint', id);
    return found;
  }

  private async checkAddress(url: string): Promise<void> {
    const refusal = await endpointAddressRefusal(url, this.config.MEDIAFLOW_ALLOWED_HOSTS);
    if (refusal) {
      throw new MediaflowError('validation_failed', `Deliveries cannot be sent to ${url}`, [
        { path: 'url', message: refusal },
      ]);
    }
  }
}

/** The answer of a create or a rotation: the only ones that show the secret. */
function withSecret(row: WebhookEndpointRow): WebhookEndpointWithSecret {
  return { ...toWebhookEndpoint(row), secret: row.secret };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, message: string): z.output<S> {
  const outcome = parseWithDetails(schema, value);
  if (!outcome.ok) throw new MediaflowError('validation_failed', message, outcome.details);
  return outcome.data;
}
