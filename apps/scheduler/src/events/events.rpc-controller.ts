import {
  schedulerRpc,
  type List,
  type LoggedEventWithDeliveries,
  type RpcResponse,
} from '@mediaflow/contracts';
import { RpcErrorPassthroughFilter } from '@mediaflow/messaging';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { SchedulerRequest } from '../tasks/tasks.rpc-controller';
import { EventsService } from './events.service';

/** The event log's subjects; see the tasks' RPC controller for the filter. */
@Controller()
@UseFilters(new RpcErrorPassthroughFilter())
export class EventsRpcController {
  constructor(private readonly events: EventsService) {}

  @MessagePattern(schedulerRpc.listEvents.subject)
  listEvents(
    @Payload() request: SchedulerRequest<'listEvents'>,
  ): Promise<RpcResponse<typeof schedulerRpc.listEvents>> {
    return this.events.list(request);
  }

  @MessagePattern(schedulerRpc.pageEvents.subject)
  pageEvents(
    @Payload() request: SchedulerRequest<'pageEvents'>,
  ): Promise<List<LoggedEventWithDeliveries>> {
    return this.events.page(request);
  }

  @MessagePattern(schedulerRpc.getEvent.subject)
  getEvent(@Payload() request: SchedulerRequest<'getEvent'>): Promise<LoggedEventWithDeliveries> {
    return this.events.get(request.project_id, request.id);
  }

  @MessagePattern(schedulerRpc.redeliverEvent.subject)
  redeliverEvent(
    @Payload() request: SchedulerRequest<'redeliverEvent'>,
  ): Promise<LoggedEventWithDeliveries> {
    return this.events.redeliver(request.project_id, request.id, request.endpoint_id);
  }

  @MessagePattern(schedulerRpc.recordAutomationEvents.subject)
  recordAutomationEvents(
    @Payload() request: SchedulerRequest<'recordAutomationEvents'>,
  ): Promise<{ accepted: number }> {
    return this.events.recordAutomationEvents(request.events);
  }
}
