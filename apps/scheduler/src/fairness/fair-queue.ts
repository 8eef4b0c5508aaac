import { TASK_KIND_NAMES, type TaskDispatch, type TaskKind } from '@mediaflow/contracts';
import type { Logger } from '@nestjs/common';
import type { SchedulerStore } from '../database/scheduler-store';
import { dispatchesWithInputs } from '../runs/dispatch-inputs';
import { pickFair, publishAtOnce, roomToRelease, type FairnessSettings } from './fair-share';

export interface FairQueueSettings {
  /** MEDIAFLOW_DISPATCH_QUEUE_MIN. */
  minQueue: number;
  /** Per-project caps of tasks in flight, by kind (MEDIAFLOW_INGESTS_PER_PROJECT for ingest). */
  projectCaps: Partial<Record<TaskKind, number>>;
}

/**
 * Fair dispatch, the I/O part (the rules: fair-share.ts). `admit` decides
 * which new dispatches go to the broker now and holds the others back in
 * PostgreSQL; `wake` releases held work of a kind when its queue may have
 * room (a worker took a task, or ended one), and a timer does it every
 * second for what no event here announced (another replica's work).
 *
 * Releases of one kind run one at a time: in this process one after the
 * other (a wake during a release runs one more after it), across replicas
 * under an advisory lock.
 */
export class FairQueue {
  /** Kinds this process knows or suspects have held work: a wake for another kind reads nothing. */
  private readonly maybeHeld = new Set<TaskKind>();
  private readonly releasing = new Map<TaskKind, Promise<void>>();
  private readonly releaseAgain = new Set<TaskKind>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: SchedulerStore,
    private readonly settings: FairQueueSettings,
    /** Publishes released dispatches (without admitting them again). */
    private readonly publish: (dispatches: readonly TaskDispatch[]) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Holds back what may not go now; answers what may, to publish. */
  async admit(dispatches: readonly TaskDispatch[]): Promise<TaskDispatch[]> {
    if (dispatches.length === 0) return [];
    const now: TaskDispatch[] = [];
    const held = new Set<TaskKind>();
    for (const group of groupByKindAndProject(dispatches)) {
      const { kind, project_id: projectId } = group[0]!;
      const go = await this.store.autocommit(async (repos) => {
        const load = await repos.queue.load(kind, projectId);
        if (publishAtOnce(load, load.projectInFlight, this.fairness(kind))) return true;
        await repos.queue.hold(group.map((d) => ({ id: d.task_id, attempt: d.attempt })));
        return false;
      });
      if (go) now.push(...group);
      else held.add(kind);
    }
    for (const kind of held) {
      this.maybeHeld.add(kind);
      void this.release(kind);
    }
    return now;
  }

  /** A task of this kind was taken or ended: release held work into the room it left. */
  wake(kind: TaskKind): void {
    if (this.maybeHeld.has(kind)) void this.release(kind);
  }

  /** Held tasks of every kind (0 where none), from the database: every replica's. */
  async heldPerKind(): Promise<Record<TaskKind, number>> {
    const held = await this.store.autocommit((repos) => repos.queue.heldPerKind());
    return Object.fromEntries(TASK_KIND_NAMES.map((kind) => [kind, held.get(kind) ?? 0])) as Record<
      TaskKind,
      number
    >;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.releaseEverywhere(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for releases under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.releasing.values());
  }

  /** Releases of every kind with held work, this replica's or another's. */
  private async releaseEverywhere(): Promise<void> {
    try {
      const held = await this.heldPerKind();
      for (const kind of TASK_KIND_NAMES) {
        if (held[kind] === 0) continue;
        this.maybeHeld.add(kind);
        void this.release(kind);
      }
    } catch (error) {
      this.logger.warn(`looking for held dispatches failed: ${(error as Error).message}`);
    }
  }

  /** One release of the kind at a time in this process; one asked for meanwhile runs after it. */
  private release(kind: TaskKind): Promise<void> {
    const running = this.releasing.get(kind);
    if (running) {
      this.releaseAgain.add(kind);
      return running;
    }
    const release = (async () => {
      do {
        this.releaseAgain.delete(kind);
        await this.releaseOnce(kind);
      } while (this.releaseAgain.has(kind));
    })()
      .catch((error: unknown) =>
        this.logger.warn(`releasing held ${kind} dispatches failed: ${(error as Error).message}`),
      )
      .finally(() => this.releasing.delete(kind));
    this.releasing.set(kind, release);
    return release;
  }

  /**
   * Picks fairly among the kind's held tasks, as many as its queue has room
   * for, and releases them in one transaction; publishes them once it has
   * committed. A publish lost to a crash is the reconciler's, as for any
   * dispatch.
   */
  private async releaseOnce(kind: TaskKind): Promise<void> {
    const fairness = this.fairness(kind);
    const released = await this.store.transaction(async (repos) => {
      await repos.queue.lockKind(kind);
      const load = await repos.queue.load(kind, null);
      if (load.held === 0) {
        this.maybeHeld.delete(kind);
        return [];
      }
      const room = roomToRelease(load, fairness.minQueue);
      if (room === 0) return [];
      const { tasks, inFlight } = await repos.queue.held(kind, room);
      const ids = pickFair(tasks, inFlight, room, fairness.projectCap);
      if (ids.length === 0) return [];
      return dispatchesWithInputs(repos, await repos.queue.release(ids));
    });
    await this.publish(released);
  }

  private fairness(kind: TaskKind): FairnessSettings {
    const projectCap = this.settings.projectCaps[kind];
    return { minQueue: this.settings.minQueue, ...(projectCap ? { projectCap } : {}) };
  }
}

/** Dispatches of one kind and one project together, in their order. */
function groupByKindAndProject(dispatches: readonly TaskDispatch[]): TaskDispatch[][] {
  const groups = new Map<string, TaskDispatch[]>();
  for (const dispatch of dispatches) {
    const key = `${dispatch.kind}\u0000${dispatch.project_id}`;
    const group = groups.get(key);
    if (group) group.push(dispatch);
    else groups.set(key, [dispatch]);
  }
  return [...groups.values()];
}
