import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { parseQuery } from '../http/request-parsing';
import { EventStreamQuerySchema } from './event-stream-query';
import { ProjectEventsService } from './project-events.service';

@Controller('events')
export class EventsController {
  constructor(private readonly events: ProjectEventsService) {}

  @Get('stream')
  stream(
    @CurrentPrincipal() caller: Principal,
    @Query() query: unknown,
    @RequestOrigin() origin: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { task_id: taskId, automation_id: automationId } = parseQuery(
      EventStreamQuerySchema,
      query,
    );
    return this.events.stream(
      caller.projectId,
      { taskId, automationId, lastEventId },
      origin,
      reply,
    );
  }
}
