import {
  CreateApiKeyBodySchema,
  PageQuerySchema,
  type ApiKey,
  type List,
  type NewApiKey,
} from '@mediaflow/contracts';
import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseBody, parseQuery } from '../http/request-parsing';
import type { KeyReservation } from '../idempotency/idempotency-store';
import { IdempotencyReservation, Idempotent } from '../idempotency/idempotency.interceptor';
import { ApiKeysService } from './api-keys.service';

@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  list(@CurrentPrincipal() caller: Principal, @Query() query: unknown): Promise<List<ApiKey>> {
    return this.apiKeys.list(caller.projectId, parseQuery(PageQuerySchema, query));
  }

  @Post()
  @Idempotent({ resumable: true })
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @IdempotencyReservation() reservation: KeyReservation | undefined,
  ): Promise<NewApiKey> {
    const { name } = parseBody(CreateApiKeyBodySchema, body);
    return this.apiKeys.create(caller.projectId, name, reservation);
  }

  @Delete(':id')
  revoke(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.apiKeys.revoke(caller.projectId, id);
  }
}
