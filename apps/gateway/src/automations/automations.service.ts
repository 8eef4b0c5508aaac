import {
  registryRpc,
  type Automation,
  type DeletedAutomation,
  type List,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';

/**
 * Automations belong to the registry: the gateway forwards each call with the
 * caller's project over request/reply. Bodies and queries travel as the
 * client sent them, already checked here; the registry checks again as owner,
 * and its errors (404, 400, …) come back as MediaflowErrors. No registry
 * answering is a 503.
 */
@Injectable()
export class AutomationsService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  /** With the claim of the request's `Idempotency-Key`: the registry makes one automation per claim. */
  create(projectId: string, body: unknown, claim?: string): Promise<Automation> {
    return this.bus.request(registryRpc.create, {
      project_id: projectId,
      body,
      idempotency_key: claim,
    });
  }

  list(projectId: string, query: Record<string, unknown>): Promise<List<Automation>> {
    return this.bus.request(registryRpc.list, { project_id: projectId, query });
  }

  get(projectId: string, id: string): Promise<Automation> {
    return this.bus.request(registryRpc.get, { project_id: projectId, id });
  }

  update(projectId: string, id: string, body: unknown): Promise<Automation> {
    return this.bus.request(registryRpc.update, { project_id: projectId, id, body });
  }

  delete(projectId: string, id: string): Promise<DeletedAutomation> {
    return this.bus.request(registryRpc.delete, { project_id: projectId, id });
  }
}
