import type { TaskObject } from '@mediaflow/contracts';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { parseRunRequest } from './task-input';
import { TasksService } from './tasks.service';

/** `POST /automations/:id/run`: the rest of /automations is forwarded to the registry. */
@Controller('automations')
export class AutomationRunsController {
  constructor(private readonly tasks: TasksService) {}

  @Post(':id/run')
  @Idempotent()
  run(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @RequestOrigin() origin: string,
  ): Promise<TaskObject> {
    return this.tasks.runAutomation(caller.projectId, id, parseRunRequest(body), origin);
  }
}
