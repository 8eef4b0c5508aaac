import {
  schedulerRpc,
  type DeletedWebhookEndpoint,
  type List,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Webhook endpoints belong to the scheduler, which delivers to them: the
 * gateway forwards each call with the caller's project. Bodies travel as
 * the client sent them, already checked here; the scheduler checks again,
 * and alone checks the URL's address (it resolves it as deliveries will).
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  /** With the claim of the request's `Idempotency-Key`: the scheduler makes one endpoint per claim. */
  create(projectId: string, body: unknown, claim?: string): Promise<WebhookEndpointWithSecret> {
    return this.bus.request(schedulerRpc.createWebhookEndpoint, {
      project_id: projectId,
      body,
      idempotency_key: claim,
    });
  }

  list(projectId: string, query: Record<string, unknown>): Promise<List<WebhookEndpoint>> {
    return this.bus.request(schedulerRpc.listWebhookEndpoints, { project_id: projectId, query });
  }

  get(projectId: string, id: string): Promise<WebhookEndpoint> {
    return this.bus.request(schedulerRpc.getWebhookEndpoint, { project_id: projectId, id });
  }

  update(projectId: string, id: string, body: unknown): Promise<WebhookEndpoint> {
    return this.bus.request(schedulerRpc.updateWebhookEndpoint, {
      project_id: projectId,
      id,
      body,
    });
  }

  delete(projectId: string, id: string): Promise<DeletedWebhookEndpoint> {
    return this.bus.request(schedulerRpc.deleteWebhookEndpoint, { project_id: projectId, id });
  }

  rotateSecret(projectId: string, id: string): Promise<WebhookEndpointWithSecret> {
    return this.bus.request(schedulerRpc.rotateWebhookEndpointSecret, {
      project_id: projectId,
      id,
    });
  }
}
