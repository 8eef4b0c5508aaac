import {
  EventListQuerySchema,
  RedeliverEventBodySchema,
  type List,
  type LoggedEvent,
} from '@mediaflow/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { parseBody, parseQuery } from '../http/request-parsing';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { EventStreamQuerySchema } from './event-stream-query';
import { LoggedEventsService } from './logged-events.service';
import { ProjectEventsService } from './project-events.service';

@Controller('events')
export class EventsController {
  constructor(
    private readonly events: ProjectEventsService,
    private readonly logged: LoggedEventsService,
  ) {}

  @Get()
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: unknown,
    @RequestOrigin() origin: string,
  ): Promise<List<LoggedEvent>> {
    return this.logged.list(caller.projectId, parseQuery(EventListQuerySchema, query), origin);
  }

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

  @Get(':id')
  get(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
  ): Promise<LoggedEvent> {
    return this.logged.get(caller.projectId, id, origin);
  }

  /**
   * Accepted: the deliveries are made; the POSTs follow. Not resumable: a
   * repeat after a lost answer makes one more delivery of the same event,
   * which a receiver deduplicates on its id.
   */
  @Post(':id/redeliver')
  @HttpCode(202)
  @Idempotent()
  redeliver(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @RequestOrigin() origin: string,
  ): Promise<LoggedEvent> {
    const { endpoint_id: endpointId } = parseBody(RedeliverEventBodySchema, body);
    return this.logged.redeliver(caller.projectId, id, endpointId, origin);
  }
}
