import type { HttpClient } from '../http/http-client';
import { ITERATE_PAGE_LIMIT, paginate } from '../pagination';
import type {
  CreateWebhookEndpointBody,
  DeletedWebhookEndpoint,
  IdempotentOptions,
  List,
  PageParams,
  RequestOptions,
  UpdateWebhookEndpointBody,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookPayload,
} from '../types';
import { verifyWebhook, type VerifyWebhookOptions } from '../webhooks/verify-webhook';
import { path } from './path';

/** `/webhooks/endpoints`: where the project's events are POSTed. */
export class WebhookEndpoints {
  constructor(private readonly http: HttpClient) {}

  /** One page, newest first: never their secrets. */
  async list(query: PageParams = {}, options?: RequestOptions): Promise<List<WebhookEndpoint>> {
    return (
      await this.http.request<List<WebhookEndpoint>>({
        method: 'GET',
        path: '/webhooks/endpoints',
        query,
        options,
      })
    ).data;
  }

  iterate(query: PageParams = {}, options?: RequestOptions): AsyncGenerator<WebhookEndpoint> {
    return paginate((page) => this.list({ limit: ITERATE_PAGE_LIMIT, ...query, page }, options));
  }

  /** A new endpoint: its signing `secret` is in this answer only. */
  async create(
    body: CreateWebhookEndpointBody,
    options?: IdempotentOptions,
  ): Promise<WebhookEndpointWithSecret> {
    const { idempotencyKey, ...rest } = options ?? {};
    return (
      await this.http.request<WebhookEndpointWithSecret>({
        method: 'POST',
        path: '/webhooks/endpoints',
        json: body,
        idempotencyKey,
        options: rest,
      })
    ).data;
  }

  async get(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return (
      await this.http.request<WebhookEndpoint>({
        method: 'GET',
        path: path`/webhooks/endpoints/${id}`,
        options,
      })
    ).data;
  }

  /** Changes its `url`, `enabled_events` or `status` (`paused` stops deliveries). */
  async update(
    id: string,
    patch: UpdateWebhookEndpointBody,
    options?: RequestOptions,
  ): Promise<WebhookEndpoint> {
    return (
      await this.http.request<WebhookEndpoint>({
        method: 'PATCH',
        path: path`/webhooks/endpoints/${id}`,
        json: patch,
        options,
      })
    ).data;
  }

  /** Deletes it, with its deliveries. */
  async delete(id: string, options?: RequestOptions): Promise<DeletedWebhookEndpoint> {
    return (
      await this.http.request<DeletedWebhookEndpoint>({
        method: 'DELETE',
        path: path`/webhooks/endpoints/${id}`,
        options,
      })
    ).data;
  }

  /** A new signing secret (in this answer only); the old one signs nothing more. */
  async rotate(id: string, options?: IdempotentOptions): Promise<WebhookEndpointWithSecret> {
    const { idempotencyKey, ...rest } = options ?? {};
    return (
      await this.http.request<WebhookEndpointWithSecret>({
        method: 'POST',
        path: path`/webhooks/endpoints/${id}/rotate`,
        idempotencyKey,
        options: rest,
      })
    ).data;
  }
}

/** Webhooks: the endpoints, and checking what they receive. */
export class Webhooks {
  readonly endpoints: WebhookEndpoints;

  constructor(http: HttpClient) {
    this.endpoints = new WebhookEndpoints(http);
  }

  /** {@link verifyWebhook}, for those who hold a client. */
  verify<T = WebhookPayload>(
    rawBody: string | Uint8Array | ArrayBuffer,
    signatureHeader: string | readonly string[] | null | undefined,
    secret: string,
    options?: VerifyWebhookOptions,
  ): Promise<T> {
    return verifyWebhook<T>(rawBody, signatureHeader, secret, options);
  }
}
