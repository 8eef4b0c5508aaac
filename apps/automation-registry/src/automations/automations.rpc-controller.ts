import {
  registryRpc,
  type Automation,
  type DeletedAutomation,
  type List,
} from '@mediaflow/contracts';
import { RpcErrorPassthroughFilter } from '@mediaflow/messaging';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { AutomationEventRelay } from '../automation-events/automation-event-relay.service';
import { AutomationsService } from './automations.service';

/** The request of a registry RPC, already parsed by its contract on arrival. */
type Request<K extends keyof typeof registryRpc> = z.output<(typeof registryRpc)[K]['request']>;

/**
 * The registry's request/reply subjects; each one calls the service (and a change
 * wakes the event relay) and nothing else.
 *
 * The passthrough filter lets a MediaflowError reach the bus with its code
 * (Nest's default turns it into "Internal server error"). It is bound here
 * rather than with `useGlobalFilters` on the hybrid microservice: Nest 11
 * builds a hybrid microservice's handlers inside `connectMicroservice`, so a
 * global filter added afterwards never reaches them.
 */
@Controller()
@UseFilters(new RpcErrorPassthroughFilter())
export class AutomationsRpcController {
  constructor(
    private readonly automations: AutomationsService,
    private readonly events: AutomationEventRelay,
  ) {}

  @MessagePattern(registryRpc.create.subject)
  create(@Payload() request: Request<'create'>): Promise<Automation> {
    return this.relayed(
      this.automations.create(request.project_id, request.body, request.idempotency_key),
    );
  }

  @MessagePattern(registryRpc.list.subject)
  list(@Payload() request: Request<'list'>): Promise<List<Automation>> {
    return this.automations.list(request.project_id, request.query);
  }

  @MessagePattern(registryRpc.listTriggered.subject)
  listTriggered(@Payload() request: Request<'listTriggered'>): Promise<{ data: Automation[] }> {
    return this.automations.listTriggered(request.project_id, request.event);
  }

  @MessagePattern(registryRpc.get.subject)
  get(@Payload() request: Request<'get'>): Promise<Automation> {
    return this.automations.get(request.project_id, request.id);
  }

  @MessagePattern(registryRpc.update.subject)
  update(@Payload() request: Request<'update'>): Promise<Automation> {
    return this.relayed(this.automations.update(request.project_id, request.id, request.body));
  }

  @MessagePattern(registryRpc.delete.subject)
  delete(@Payload() request: Request<'delete'>): Promise<DeletedAutomation> {
    return this.relayed(this.automations.delete(request.project_id, request.id));
  }

  /**
   * A change's answer, once its event (written by the table's trigger, in
   * its transaction) has been handed to the relay: sent at once rather than
   * at the relay's next look.
   */
  private async relayed<T>(change: Promise<T>): Promise<T> {
    const answer = await change;
    this.events.wake();
    return answer;
  }
}
