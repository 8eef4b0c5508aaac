import { TASK_MESSAGE_VERSION, type TaskDispatch } from '@mediaflow/contracts';
import { TASK_TRANSPORT, type TaskTransport } from '@mediaflow/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerStore } from '../database/scheduler-store';

/**
 * Hands committed decisions to the broker. PostgreSQL is the truth: a
 * dispatch is written (attempt bumped, status pending) before it is
 * published, and one that does not reach the broker keeps `published_at`
 * null for the reconciler to publish again (the same message id, so a
 * publish that did land is dropped as a duplicate).
 */
@Injectable()
export class DispatchPublisher {
  private readonly logger = new Logger(DispatchPublisher.name);

  constructor(
    @Inject(TASK_TRANSPORT) private readonly transport: TaskTransport,
    private readonly store: SchedulerStore,
  ) {}

  async publish(dispatches: readonly TaskDispatch[]): Promise<void> {
    await Promise.all(dispatches.map((dispatch) => this.publishOne(dispatch)));
  }

  /** Tells whoever runs these tasks to stop; a worker that misses it finds the task cancelled when it reports. */
  async cancel(taskIds: readonly string[]): Promise<void> {
    for (const taskId of taskIds) {
      try {
        await this.transport.cancel({ v: TASK_MESSAGE_VERSION, task_id: taskId });
      } catch (error) {
        this.logger.warn(`cancel of ${taskId} not broadcast: ${(error as Error).message}`);
      }
    }
  }

  private async publishOne(dispatch: TaskDispatch): Promise<void> {
    const what = `${dispatch.kind} task ${dispatch.task_id} attempt ${dispatch.attempt}`;
    try {
      await this.transport.dispatch(dispatch);
    } catch (error) {
      this.logger.warn(
        `${what} not published, left to the reconciler: ${(error as Error).message}`,
      );
      return;
    }
    try {
      await this.store.autocommit((repos) =>
        repos.tasks.markPublished(dispatch.task_id, dispatch.attempt),
      );
    } catch (error) {
      // Published all the same; the reconciler's second publish is dropped as a duplicate.
      this.logger.warn(`${what} published but not marked so: ${(error as Error).message}`);
    }
  }
}
