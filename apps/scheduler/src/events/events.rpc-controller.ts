import { schedulerRpc, type RpcResponse } from '@mediaflow/contracts';
import { RpcErrorPassthroughFilter } from '@mediaflow/messaging';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { SchedulerRequest } from '../tasks/tasks.rpc-controller';
import { EventsService } from './events.service';

/** The event log's subject; see the tasks' RPC controller for the filter. */
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
}
