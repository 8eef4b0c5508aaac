import { TaskListQuerySchema, type List, type TaskObject } from '@mediaflow/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { parseQuery } from '../http/request-parsing';
import { IdempotencyClaim, Idempotent } from '../idempotency/idempotency.interceptor';
import { answerPreference, preferredWait } from './prefer-wait';
import { parseTaskSubmission } from './task-input';
import { TaskEventsService } from './task-events.service';
import { TasksService } from './tasks.service';

@Controller('tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly taskEvents: TaskEventsService,
  ) {}

  @Post()
  @Idempotent({ resumable: true })
  async create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @RequestOrigin() origin: string,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @IdempotencyClaim() claim: string | undefined,
  ): Promise<TaskObject> {
    const waitS = preferredWait(prefer);
    const task = await this.tasks.submit(caller.projectId, parseTaskSubmission(body), {
      origin,
      waitS,
      claim,
    });
    return answerPreference(reply, waitS, task);
  }

  @Get()
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: unknown,
    @RequestOrigin() origin: string,
  ): Promise<List<TaskObject>> {
    return this.tasks.list(caller.projectId, parseQuery(TaskListQuerySchema, query), origin);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
  ): Promise<TaskObject> {
    return this.tasks.get(caller.projectId, id, origin);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
  ): Promise<TaskObject> {
    return this.tasks.cancel(caller.projectId, id, origin);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Idempotent({ resumable: true })
  async retry(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @IdempotencyClaim() claim: string | undefined,
  ): Promise<TaskObject> {
    const waitS = preferredWait(prefer);
    const task = await this.tasks.retry(caller.projectId, id, { origin, waitS, claim });
    return answerPreference(reply, waitS, task);
  }

  @Get(':id/events')
  events(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.taskEvents.stream(caller.projectId, id, origin, reply, lastEventId);
  }
}
