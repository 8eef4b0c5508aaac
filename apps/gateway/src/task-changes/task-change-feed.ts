import type { ProjectEventRecord, TaskChange, TaskStatus } from '@mediaflow/contracts';
import { TASK_TRANSPORT, type Stoppable, type TaskTransport } from '@mediaflow/messaging';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';

/** Tasks remembered as changed lately; enough for the moment between a request and its follower watching. */
const RECENT_LIMIT = 10_000;

/** What a change said of the tasks it named: the status it left each in, where it says. */
export type ChangedStatuses = Partial<Record<string, TaskStatus>>;

/** What a follower is told of a change to the tasks it watches. */
export interface HeardChange {
  /** The status the change left each task in, where the scheduler said. */
  statuses: ChangedStatuses;
  /**
   * The change's events, each task as it left it: a follower sends these
   * rather than read again. Empty when the notification had none (progress,
   * a retry) or the change was missed: read the tasks then.
   */
  events: readonly ProjectEventRecord[];
}

interface Watcher {
  wake(change: HeardChange): void;
}

interface RecentChange {
  /** The number of the last change naming the task. */
  number: number;
  status?: TaskStatus;
}

/**
 * The gateway's one subscription to the scheduler's change notifications,
 * fanned out to whatever here follows a task (event streams, `Prefer:
 * wait`, `POST /files`): each watches the ids of the tasks it shows and is
 * woken when one of them changed. It remembers which tasks changed lately,
 * so that a follower that starts watching after its first read (which it
 * cannot do before: it learns the ids from it) hears of a change in between.
 */
@Injectable()
export class TaskChangeFeed implements OnModuleInit, OnModuleDestroy {
  private readonly watchers = new Map<string, Set<Watcher>>();
  /** Project id → whoever follows all its changes (`GET /events/stream`). */
  private readonly projectFollowers = new Map<string, Set<(change: TaskChange) => void>>();
  /** Task id → the last change naming it; oldest first. */
  private readonly recent = new Map<string, RecentChange>();
  private heard = 0;
  private following?: Stoppable;

  constructor(@Inject(TASK_TRANSPORT) private readonly transport: TaskTransport) {}

  async onModuleInit(): Promise<void> {
    this.following = await this.transport.followChanges((change) => this.hear(change));
  }

  async onModuleDestroy(): Promise<void> {
    await this.following?.stop();
  }

  /** Where the feed is now: taken before a read, given to {@link watch} after it. */
  mark(): number {
    return this.heard;
  }

  /**
   * Calls `wake` whenever one of `taskIds` changes, until the returned
   * function is called; and once, on the next turn, if one has changed
   * since `since` (without events: the follower reads).
   */
  watch(
    taskIds: readonly string[],
    wake: (change: HeardChange) => void,
    since: number,
  ): () => void {
    const watcher: Watcher = { wake };
    for (const id of taskIds) {
      const watching = this.watchers.get(id) ?? new Set<Watcher>();
      watching.add(watcher);
      this.watchers.set(id, watching);
    }
    let watching = true;
    const missed = taskIds.filter((id) => (this.recent.get(id)?.number ?? -1) > since);
    if (missed.length > 0) {
      const statuses = Object.fromEntries(missed.map((id) => [id, this.recent.get(id)?.status]));
      queueMicrotask(() => watching && wake({ statuses, events: [] }));
    }
    return () => {
      watching = false;
      for (const id of taskIds) {
        const others = this.watchers.get(id);
        others?.delete(watcher);
        if (others?.size === 0) this.watchers.delete(id);
      }
    };
  }

  /** Calls `listener` with every change of the project's tasks, until the returned function is called. */
  followProject(projectId: string, listener: (change: TaskChange) => void): () => void {
    const followers = this.projectFollowers.get(projectId) ?? new Set();
    followers.add(listener);
    this.projectFollowers.set(projectId, followers);
    return () => {
      followers.delete(listener);
      if (followers.size === 0) this.projectFollowers.delete(projectId);
    };
  }

  private hear(change: TaskChange): void {
    const number = ++this.heard;
    const woken = new Set<Watcher>();
    for (const id of change.task_ids) {
      // Tasks just made are news to nobody: whoever asked has them from the answer.
      if (!change.created) this.remember(id, { number, status: change.statuses?.[id] });
      for (const watcher of this.watchers.get(id) ?? []) woken.add(watcher);
    }
    const heard = { statuses: change.statuses ?? {}, events: change.events ?? [] };
    for (const watcher of woken) watcher.wake(heard);
    for (const listener of this.projectFollowers.get(change.project_id) ?? []) listener(change);
  }

  private remember(id: string, change: RecentChange): void {
    this.recent.delete(id);
    this.recent.set(id, change);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value!);
  }
}
