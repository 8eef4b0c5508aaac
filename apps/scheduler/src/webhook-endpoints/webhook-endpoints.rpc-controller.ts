import {
  schedulerRpc,
  type DeletedWebhookEndpoint,
  type List,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@mediaflow/contracts';
import { RpcErrorPassthroughFilter } from '@mediaflow/messaging';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { SchedulerRequest } from '../tasks/tasks.rpc-controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** The webhook endpoints' subjects; see the tasks' RPC controller for the filter. */
@Controller()
@UseFilters(new RpcErrorPassthroughFilter())
export class WebhookEndpointsRpcController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @MessagePattern(schedulerRpc.createWebhookEndpoint.subject)
  create(
    @Payload() request: SchedulerRequest<'createWebhookEndpoint'>,
  ): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.create(request.project_id, request.body, request.idempotency_key);
  }

  @MessagePattern(schedulerRpc.listWebhookEndpoints.subject)
  list(
    @Payload() request: SchedulerRequest<'listWebhookEndpoints'>,
  ): Promise<List<WebhookEndpoint>> {
    return this.endpoints.list(request.project_id, request.query);
  }

  @MessagePattern(schedulerRpc.getWebhookEndpoint.subject)
  get(@Payload() request: SchedulerRequest<'getWebhookEndpoint'>): Promise<WebhookEndpoint> {
    return this.endpoints.get(request.project_id, request.id);
  }

  @MessagePattern(schedulerRpc.updateWebhookEndpoint.subject)
  update(@Payload() request: SchedulerRequest<'updateWebhookEndpoint'>): Promise<WebhookEndpoint> {
    return this.endpoints.update(request.project_id, request.id, request.body);
  }

  @MessagePattern(schedulerRpc.deleteWebhookEndpoint.subject)
  delete(
    @Payload() request: SchedulerRequest<'deleteWebhookEndpoint'>,
  ): Promise<DeletedWebhookEndpoint> {
    return this.endpoints.delete(request.project_id, request.id);
  }

  @MessagePattern(schedulerRpc.rotateWebhookEndpointSecret.subject)
  rotate(
    @Payload() request: SchedulerRequest<'rotateWebhookEndpointSecret'>,
  ): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.rotateSecret(request.project_id, request.id);
  }
}
