import {
  FileListQuerySchema,
  MediaflowError,
  TaskListQuerySchema,
  isFinalStatus,
  newId,
  schedulerRpc,
  toList,
  type RpcDefinition,
  type StoredFile,
  type TaskRecord,
  type TaskSource,
} from '@mediaflow/contracts';
import type { MessageBus, RpcHandler, Served, TaskTransport } from '@mediaflow/messaging';

export interface SchedulerCall {
  subject: string;
  request: Record<string, unknown>;
}

interface Held {
  release(): void;
}

/**
 * Stands in for the scheduler on the real bus: it answers the scheduler's
 * request subjects from memory, records every call, and lets a test move a
 * task along (`update`, announced as the scheduler announces a change when
 * given a transport), hold a request (`hold`) or fail the next one.
 */
export class FakeScheduler {
  readonly calls: SchedulerCall[] = [];
  /** The runs each file started when it was stored (its triggers'), by file id. */
  readonly triggeredRuns = new Map<string, string[]>();
  private readonly tasks = new Map<string, { projectId: string; task: TaskRecord }>();
  private readonly files = new Map<string, StoredFile>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly failures = new Map<string, MediaflowError>();
  private served: Served[] = [];
  private readonly creations: ((task: TaskRecord) => void)[] = [];
  /** What each idempotency claim made, as the scheduler keeps it: `<project>:<claim>` → task id. */
  private readonly claims = new Map<string, string>();

  constructor(
    private readonly bus: MessageBus,
    private readonly transport?: TaskTransport,
  ) {}

  async start(): Promise<void> {
    const queue = { queue: 'fake-scheduler' };
    const serve = <D extends RpcDefinition>(definition: D, handler: RpcHandler<D>) =>
      this.bus.serve(
        definition,
        async (request) => {
          this.calls.push({
            subject: definition.subject,
            request: request as Record<string, unknown>,
          });
          await this.holds.get(definition.subject);
          const failure = this.failures.get(definition.subject);
          if (failure) {
            this.failures.delete(definition.subject);
            throw failure;
          }
          return handler(request);
        },
        queue,
      );
    this.served = await Promise.all([
      serve(schedulerRpc.createRun, async (r) =>
        this.once(r, () =>
          this.createRun(
            r.project_id,
            r.automation_id,
            r.workflow,
            r.source,
            r.webhook?.url ?? null,
          ),
        ),
      ),
      serve(schedulerRpc.createTask, async (r) =>
        this.once(r, () =>
          this.add(r.project_id, {
            ...this.blank(r.kind as TaskRecord['kind'], null),
            options: r.options,
            input: this.sourceFile(r.project_id, r.source),
            webhook_url: r.webhook?.url ?? null,
          }),
        ),
      ),
      serve(schedulerRpc.getTask, async (r) => this.task(r.project_id, r.id)),
      serve(schedulerRpc.listTasks, async (r) => {
        const query = TaskListQuerySchema.parse(r.query);
        const mine = [...this.tasks.values()]
          .filter(({ projectId, task }) => projectId === r.project_id && task.parent_id === null)
          .map(({ task }) => task)
          .filter((t) => !query.status || t.status === query.status)
          .filter((t) => !query.kind || t.kind === query.kind)
          .filter((t) => !query.automation_id || t.automation_id === query.automation_id)
          .reverse();
        const start = (query.page - 1) * query.limit;
        return toList(mine.slice(start, start + query.limit), query, mine.length);
      }),
      serve(schedulerRpc.cancelTask, async (r) => {
        const task = this.task(r.project_id, r.id);
        if (isFinalStatus(task.status)) {
          throw new MediaflowError(
            'conflict',
            `Task ${task.id} has already ended (${task.status})`,
          );
        }
        return this.update(task.id, { status: 'cancelled' });
      }),
      serve(schedulerRpc.getFile, async (r) => ({
        ...this.file(r.project_id, r.id),
        triggered_runs: this.triggeredRuns.get(r.id) ?? [],
      })),
      serve(schedulerRpc.listFiles, async (r) => {
        const query = FileListQuerySchema.parse(r.query);
        const mine = [...this.files.values()]
          .filter((f) => f.project_id === r.project_id && (!query.kind || f.kind === query.kind))
          .reverse();
        const start = (query.page - 1) * query.limit;
        const page = mine.slice(start, start + query.limit);
        return toList(
          page.map((file) => ({ ...file, triggered_runs: this.triggeredRuns.get(file.id) ?? [] })),
          query,
          mine.length,
        );
      }),
      serve(schedulerRpc.deleteFile, async (r) => {
        const file = this.file(r.project_id, r.id);
        this.files.delete(file.id);
        return { id: file.id, object: 'file' as const, deleted: true as const };
      }),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.served.splice(0).map((s) => s.stop()));
  }

  /** One creation per idempotency claim, as the scheduler makes them. */
  private once(
    request: { project_id: string; idempotency_key?: string | undefined },
    make: () => TaskRecord,
  ): TaskRecord {
    const claim = request.idempotency_key && `${request.project_id}:${request.idempotency_key}`;
    const made = claim && this.claims.get(claim);
    if (made) return this.task(request.project_id, made);
    const task = make();
    if (claim) this.claims.set(claim, task.id);
    return task;
  }

  callsTo(subject: string): SchedulerCall[] {
    return this.calls.filter((c) => c.subject === subject);
  }

  /** Keeps every request on `subject` waiting until released. */
  hold(subject: string): Held {
    let release!: () => void;
    this.holds.set(
      subject,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return {
      release: () => {
        this.holds.delete(subject);
        release();
      },
    };
  }

  /** The next request on `subject` fails with this error. */
  failNext(subject: string, error: MediaflowError): void {
    this.failures.set(subject, error);
  }

  addFile(file: Omit<StoredFile, 'id' | 'created_at'> & { id?: string }): StoredFile {
    const stored: StoredFile = { id: newId('file'), created_at: now(), ...file };
    this.files.set(stored.id, stored);
    return stored;
  }

  /** Moves a task along, as workers' events would, and says so as the scheduler does. */
  update(id: string, changes: Partial<TaskRecord>): TaskRecord {
    const entry = this.tasks.get(id);
    if (!entry) throw new Error(`no task ${id}`);
    Object.assign(entry.task, changes, { updated_at: now() });
    void this.transport?.announceChanges({
      v: 1,
      project_id: entry.projectId,
      run_id: entry.task.parent_id ?? id,
      task_ids: [id],
      at: Date.now(),
    });
    return entry.task;
  }

  /** The next task (or run) the scheduler is asked to make, once it has made it. */
  nextCreated(): Promise<TaskRecord> {
    return new Promise((resolve) => this.creations.push(resolve));
  }

  private createRun(
    projectId: string,
    automationId: string | null,
    workflow: unknown,
    source: TaskSource,
    webhookUrl: string | null,
  ): TaskRecord {
    const run: TaskRecord = {
      ...this.blank('workflow', null),
      automation_id: automationId,
      status: 'processing',
      input: this.sourceFile(projectId, source),
      webhook_url: webhookUrl,
    };
    // Top-level steps only, enough for the gateway to present a tree.
    run.workflow = (
      workflow as { kind: TaskRecord['kind']; ref?: string; options?: Record<string, unknown> }[]
    ).map((step) => ({
      ...this.blank(step.kind, run.id),
      automation_id: automationId,
      ref: step.ref ?? null,
      options: step.options ?? {},
      status: 'waiting',
    }));
    return this.add(projectId, run);
  }

  private add(projectId: string, task: TaskRecord): TaskRecord {
    this.tasks.set(task.id, { projectId, task });
    for (const step of task.workflow ?? []) this.tasks.set(step.id, { projectId, task: step });
    // After the answer has gone out, as a worker's first event would come.
    setImmediate(() => this.creations.splice(0).forEach((created) => created(task)));
    return task;
  }

  private blank(kind: TaskRecord['kind'], parentId: string | null): TaskRecord {
    const at = now();
    return {
      id: newId('task'),
      object: 'task',
      kind,
      automation_id: null,
      parent_id: parentId,
      ref: null,
      input: null,
      options: {},
      status: 'pending',
      progress: 0,
      output: null,
      error: null,
      skip_reason: null,
      attempts: 0,
      attempt_history: [],
      created_at: at,
      updated_at: at,
      started_at: null,
      finished_at: null,
      webhook_url: null,
    };
  }

  private sourceFile(projectId: string, source: TaskSource): StoredFile | null {
    return 'file_id' in source ? this.file(projectId, source.file_id) : null;
  }

  private task(projectId: string, id: string): TaskRecord {
    const found = this.tasks.get(id);
    if (!found || found.projectId !== projectId)
      throw new MediaflowError('not_found', `No task ${id}`);
    return found.task;
  }

  private file(projectId: string, id: string): StoredFile {
    const found = this.files.get(id);
    if (!found || found.project_id !== projectId)
      throw new MediaflowError('not_found', `No file ${id}`);
    return found;
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
