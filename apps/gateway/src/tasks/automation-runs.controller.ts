import type { TaskObject } from '@mediaflow/contracts';
import { Body, Controller, Headers, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { IdempotencyClaim, Idempotent } from '../idempotency/idempotency.interceptor';
import { answerPreference, preferredWait } from './prefer-wait';
import { parseRunRequest } from './task-input';
import { TasksService } from './tasks.service';

/** `POST /automations/:id/run`: the rest of /automations is forwarded to the registry. */
@Controller('automations')
export class AutomationRunsController {
  constructor(private readonly tasks: TasksService) {}

  @Post(':id/run')
  @Idempotent({ resumable: true })
  async run(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @RequestOrigin() origin: string,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @IdempotencyClaim() claim: string | undefined,
  ): Promise<TaskObject> {
    const waitS = preferredWait(prefer);
    const run = await this.tasks.runAutomation(caller.projectId, id, parseRunRequest(body), {
      origin,
      waitS,
      claim,
    });
    return answerPreference(reply, waitS, run);
  }
}
