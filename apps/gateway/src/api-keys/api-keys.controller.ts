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
import { ApiKeysService } from './api-keys.service';

@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  list(@CurrentPrincipal() caller: Principal, @Query() query: unknown): Promise<List<ApiKey>> {
    return this.apiKeys.list(caller.projectId, parseQuery(PageQuerySchema, query));
  }

  @Post()
  create(@CurrentPrincipal() caller: Principal, @Body() body: unknown): Promise<NewApiKey> {
    const { name } = parseBody(CreateApiKeyBodySchema, body);
    return this.apiKeys.create(caller.projectId, name);
  }

  @Delete(':id')
  revoke(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.apiKeys.revoke(caller.projectId, id);
  }
}
