import {
  AutomationListQuerySchema,
  MediaflowError,
  newId,
  registryRpc,
  toList,
  type Automation,
  type AutomationStatus,
  type AutomationTrigger,
  type Workflow,
} from '@mediaflow/contracts';
import type { MessageBus, Served } from '@mediaflow/messaging';

export interface RegistryCall {
  subject: string;
  request: Record<string, unknown>;
}

interface Body {
  name?: string;
  description?: string | null;
  workflow?: Workflow;
  trigger?: Partial<AutomationTrigger> | null;
  status?: AutomationStatus;
}

/**
 * Stands in for the automation registry on the real bus: it answers the
 * registry's request subjects from memory and records every call, so tests
 * see exactly what the gateway forwarded (and that a bad body never left it).
 */
export class FakeRegistry {
  readonly calls: RegistryCall[] = [];
  private readonly automations = new Map<string, { projectId: string; automation: Automation }>();
  /** What each idempotency claim made, as the registry keeps it: `<project>:<claim>` → automation id. */
  private readonly claims = new Map<string, string>();
  private served: Served[] = [];

  constructor(private readonly bus: MessageBus) {}

  async start(): Promise<void> {
    const queue = { queue: 'fake-registry' };
    this.served = await Promise.all([
      this.bus.serve(
        registryRpc.create,
        async (request) =>
          this.record(registryRpc.create.subject, request, () =>
            this.create(request.project_id, request.body as Body, request.idempotency_key),
          ),
        queue,
      ),
      this.bus.serve(
        registryRpc.list,
        async (request) =>
          this.record(registryRpc.list.subject, request, () =>
            this.list(request.project_id, request.query),
          ),
        queue,
      ),
      this.bus.serve(
        registryRpc.get,
        async (request) =>
          this.record(registryRpc.get.subject, request, () =>
            this.find(request.project_id, request.id),
          ),
        queue,
      ),
      this.bus.serve(
        registryRpc.update,
        async (request) =>
          this.record(registryRpc.update.subject, request, () =>
            this.update(request.project_id, request.id, request.body as Body),
          ),
        queue,
      ),
      this.bus.serve(
        registryRpc.delete,
        async (request) =>
          this.record(registryRpc.delete.subject, request, () =>
            this.remove(request.project_id, request.id),
          ),
        queue,
      ),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.served.splice(0).map((s) => s.stop()));
  }

  callsTo(subject: string): RegistryCall[] {
    return this.calls.filter((c) => c.subject === subject);
  }

  private record<T>(subject: string, request: object, answer: () => T): T {
    this.calls.push({ subject, request: request as Record<string, unknown> });
    return answer();
  }

  /** One automation per idempotency claim, as the registry makes them. */
  private create(projectId: string, body: Body, claim?: string): Automation {
    const made = claim && this.claims.get(`${projectId}:${claim}`);
    if (made) return this.find(projectId, made);
    const now = Math.floor(Date.now() / 1000);
    const automation: Automation = {
      id: newId('auto'),
      object: 'automation',
      name: body.name ?? 'unnamed',
      description: body.description ?? null,
      workflow: body.workflow ?? [],
      trigger: triggerOf(body),
      status: body.status ?? 'active',
      created_at: now,
      updated_at: now,
    };
    this.automations.set(automation.id, { projectId, automation });
    if (claim) this.claims.set(`${projectId}:${claim}`, automation.id);
    return automation;
  }

  /** Newest first, filtered by status and exact name, as the registry lists them. */
  private list(projectId: string, rawQuery: Record<string, unknown>) {
    const query = AutomationListQuerySchema.parse(rawQuery);
    const mine = [...this.automations.values()]
      .filter((a) => a.projectId === projectId)
      .map((a) => a.automation)
      .filter((a) => !query.status || a.status === query.status)
      .filter((a) => query.name === undefined || a.name === query.name)
      .reverse();
    const start = (query.page - 1) * query.limit;
    return toList(mine.slice(start, start + query.limit), query, mine.length);
  }

  private find(projectId: string, id: string): Automation {
    const found = this.automations.get(id);
    // Another project's automation is "not found", as docs/http-api.md wants.
    if (!found || found.projectId !== projectId)
      throw new MediaflowError('not_found', `No automation ${id}`);
    return found.automation;
  }

  private update(projectId: string, id: string, body: Body): Automation {
    const automation = this.find(projectId, id);
    Object.assign(automation, body, {
      ...(body.trigger !== undefined ? { trigger: triggerOf(body) } : {}),
      updated_at: Math.floor(Date.now() / 1000),
    });
    return automation;
  }

  private remove(projectId: string, id: string) {
    this.find(projectId, id);
    this.automations.delete(id);
    return { id, object: 'automation' as const, deleted: true as const };
  }
}

/** As the registry stores it: conditions filled in. */
function triggerOf(body: Body): AutomationTrigger | null {
  return body.trigger ? ({ conditions: [], ...body.trigger } as AutomationTrigger) : null;
}
