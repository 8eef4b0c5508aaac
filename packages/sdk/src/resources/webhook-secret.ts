import type { HttpClient } from '../http/http-client';
import type { RequestOptions, WebhookSecret } from '../types';

/**
 * `/webhook-secret`: the key per-task webhooks (`webhook_url`) are signed
 * with. The API has no rotation of it (endpoints have theirs: `webhooks.endpoints.rotate`).
 */
export class WebhookSecrets {
  constructor(private readonly http: HttpClient) {}

  async get(options?: RequestOptions): Promise<WebhookSecret> {
    return (
      await this.http.request<WebhookSecret>({ method: 'GET', path: '/webhook-secret', options })
    ).data;
  }
}
