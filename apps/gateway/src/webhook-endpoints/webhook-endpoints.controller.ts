import {
  CreateWebhookEndpointBodySchema,
  UpdateWebhookEndpointBodySchema,
  WebhookEndpointListQuerySchema,
  type DeletedWebhookEndpoint,
  type List,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '@mediaflow/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseBody, parseQuery, withoutUndefined } from '../http/request-parsing';
import { IdempotencyClaim, Idempotent } from '../idempotency/idempotency.interceptor';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/**
 * Bodies checked here first (a 400 naming every path without a round
 * trip), then forwarded to the scheduler as sent.
 */
@Controller('webhooks/endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Idempotent({ resumable: true })
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @IdempotencyClaim() claim: string | undefined,
  ): Promise<WebhookEndpointWithSecret> {
    parseBody(CreateWebhookEndpointBodySchema, body);
    return this.endpoints.create(caller.projectId, body, claim);
  }

  @Get()
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: unknown,
  ): Promise<List<WebhookEndpoint>> {
    return this.endpoints.list(
      caller.projectId,
      withoutUndefined(parseQuery(WebhookEndpointListQuerySchema, query)),
    );
  }

  @Get(':id')
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string): Promise<WebhookEndpoint> {
    return this.endpoints.get(caller.projectId, id);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<WebhookEndpoint> {
    parseBody(UpdateWebhookEndpointBodySchema, body);
    return this.endpoints.update(caller.projectId, id, body);
  }

  @Delete(':id')
  delete(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
  ): Promise<DeletedWebhookEndpoint> {
    return this.endpoints.delete(caller.projectId, id);
  }

  /**
   * Not resumable: a rotation is no object to find again, and repeating one
   * is harmless (the answer of the last is the secret in force).
   */
  @Post(':id/rotate')
  @HttpCode(200)
  @Idempotent()
  rotate(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
  ): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.rotateSecret(caller.projectId, id);
  }
}
