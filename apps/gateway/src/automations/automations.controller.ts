import {
  AutomationListQuerySchema,
  type Automation,
  type DeletedAutomation,
  type List,
} from '@mediaflow/contracts';
import { parseAutomationCreate, parseAutomationUpdate } from '@mediaflow/workflow';
import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseQuery } from '../http/request-parsing';
import { IdempotencyClaim, Idempotent } from '../idempotency/idempotency.interceptor';
import { AutomationsService } from './automations.service';

/**
 * Checked here first, so a bad workflow is a 400 naming every JSON path
 * without a round trip; then forwarded to the registry as sent.
 */
@Controller('automations')
export class AutomationsController {
  constructor(private readonly automations: AutomationsService) {}

  @Post()
  @Idempotent({ resumable: true })
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @IdempotencyClaim() claim: string | undefined,
  ): Promise<Automation> {
    parseAutomationCreate(body);
    return this.automations.create(caller.projectId, body, claim);
  }

  @Get()
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<List<Automation>> {
    parseQuery(AutomationListQuerySchema, query);
    return this.automations.list(caller.projectId, { ...query });
  }

  @Get(':id')
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string): Promise<Automation> {
    return this.automations.get(caller.projectId, id);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<Automation> {
    parseAutomationUpdate(body);
    return this.automations.update(caller.projectId, id, body);
  }

  @Delete(':id')
  delete(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
  ): Promise<DeletedAutomation> {
    return this.automations.delete(caller.projectId, id);
  }
}
