import { isFinalStatus, schedulerRpc, type TaskRecord } from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { TaskChangeFeed } from './task-change-feed';
import { TaskRereads, isTransientError } from './task-rereads';

/**
 * Waits for a task to end (`Prefer: wait`, `POST /files`), woken by the
 * scheduler's change notifications, not by polling: it reads the task when
 * one names it, and every MEDIAFLOW_TASK_RECHECK_MS in case one was lost.
 */
@Injectable()
export class TaskWaiter implements OnModuleDestroy {
  private readonly recheckMs: number;
  /** Ends each wait under way with the task as last seen. */
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly feed: TaskChangeFeed,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'MEDIAFLOW_TASK_RECHECK_MS'>,
  ) {
    this.recheckMs = config.MEDIAFLOW_TASK_RECHECK_MS;
  }

  /** Taken before the request that makes (or reads) the task to wait for: a change after it is not missed. */
  mark(): number {
    return this.feed.mark();
  }

  /**
   * The task once it has ended (completed, failed, skipped or cancelled),
   * or as last seen when `waitMs` has passed. A scheduler not answering for
   * a moment is waited out; any other failure of a read is thrown.
   */
  untilEnded(
    projectId: string,
    task: TaskRecord,
    waitMs: number,
    since: number,
  ): Promise<TaskRecord> {
    if (isFinalStatus(task.status) || waitMs <= 0) return Promise.resolve(task);
    return new Promise((resolve, reject) => {
      let last = task;
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        this.waiting.delete(settle);
        clearTimeout(deadline);
        rereads.stop();
        unwatch();
        if (error === undefined) resolve(last);
        else reject(error as Error);
      };
      const rereads = new TaskRereads(async () => {
        try {
          last = await this.bus.request(schedulerRpc.getTask, {
            project_id: projectId,
            id: task.id,
          });
        } catch (error) {
          if (!isTransientError(error)) settle(error);
          return;
        }
        if (isFinalStatus(last.status)) settle();
      }, this.recheckMs);
      // A run's own row changes when it ends: its steps need not be watched. A change that
      // says the task is still under way (started, progress) is no reason to read it, and
      // one that carries the task as it ended needs no read either.
      const unwatch = this.feed.watch(
        [task.id],
        ({ statuses, events }) => {
          const ended = events.find((e) => e.data.id === task.id && isFinalStatus(e.data.status));
          if (ended) {
            last = ended.data;
            return settle();
          }
          const status = statuses[task.id];
          if (status === undefined || isFinalStatus(status)) rereads.wake();
        },
        since,
      );
      const deadline = setTimeout(() => settle(), waitMs);
      this.waiting.add(settle);
    });
  }

  /** The gateway is shutting down: the requests waiting are answered now, so that it can. */
  onModuleDestroy(): void {
    for (const settle of [...this.waiting]) settle();
  }
}
