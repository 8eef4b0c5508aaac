import { TASK_MESSAGE_VERSION, type TaskDispatch } from '@mediaflow/contracts';
import { TASK_TRANSPORT, type TaskTransport } from '@mediaflow/messaging';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { FairQueue } from '../fairness/fair-queue';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import { PublishedMarks } from './published-marks';
import type { ChangedTasks } from './task-changes';

/** How often held work is looked for, whoever held it: another replica's work, a wake this one missed. */
const HELD_WORK_CHECK_MS = 1_000;

/**
 * Hands committed decisions to the broker: dispatches, cancellations and
 * change notifications. PostgreSQL is the truth: a dispatch is written
 * (attempt bumped, status pending) before it is published, and one that
 * does not reach the broker keeps `published_at` null for the reconciler
 * to publish again (the same message id, so a publish that did land is
 * dropped as a duplicate). What one project's backlog would crowd out of a
 * kind's queue is held back and released fairly ({@link FairQueue}).
 */
@Injectable()
export class DispatchPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DispatchPublisher.name);
  private readonly marks = new PublishedMarks((marks) =>
    this.store.autocommit((repos) => repos.tasks.markPublished(marks)),
  );
  readonly fairQueue: FairQueue;

  constructor(
    @Inject(TASK_TRANSPORT) private readonly transport: TaskTransport,
    private readonly store: SchedulerStore,
    @Inject(SCHEDULER_CONFIG) config: SchedulerConfig,
  ) {
    this.fairQueue = new FairQueue(
      store,
      {
        minQueue: config.MEDIAFLOW_DISPATCH_QUEUE_MIN,
        projectCaps: { ingest: config.MEDIAFLOW_INGESTS_PER_PROJECT },
      },
      (released) => this.publishNow(released),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.fairQueue.start(HELD_WORK_CHECK_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.fairQueue.stop();
  }

  /** Publishes the dispatches the fair queue admits now; it holds the others back. */
  async publish(dispatches: readonly TaskDispatch[]): Promise<void> {
    await this.publishNow(await this.fairQueue.admit(dispatches));
  }

  /**
   * Publishes every dispatch at once, then marks those the broker took: one
   * UPDATE for them, shared with other decisions' marks under load
   * ({@link PublishedMarks}).
   */
  private async publishNow(dispatches: readonly TaskDispatch[]): Promise<void> {
    if (dispatches.length === 0) return;
    const taken = await Promise.all(dispatches.map((dispatch) => this.publishOne(dispatch)));
    const published = dispatches.filter((_, i) => taken[i]);
    try {
      await this.marks.add(published.map((d) => ({ id: d.task_id, attempt: d.attempt })));
    } catch (error) {
      // Published all the same; the reconciler's second publish is dropped as a duplicate.
      const what = published.map((d) => `${d.task_id} attempt ${d.attempt}`).join(', ');
      this.logger.warn(`${what} published but not marked so: ${(error as Error).message}`);
    }
  }

  /** Tells whoever runs these tasks to stop; a worker that misses it finds the task cancelled when it reports. */
  async cancel(attempts: ReadonlyArray<{ id: string; attempt: number }>): Promise<void> {
    for (const { id, attempt } of attempts) {
      try {
        await this.transport.cancel({ v: TASK_MESSAGE_VERSION, task_id: id, attempt });
      } catch (error) {
        this.logger.warn(`cancel of ${id} not broadcast: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Tells whoever follows these tasks (the gateway's live views) that they
   * changed. A notification that does not go out costs them only latency:
   * logged, never failing the decision.
   */
  async announceChanges(changed: ChangedTasks): Promise<void> {
    try {
      await this.transport.announceChanges({ v: TASK_MESSAGE_VERSION, ...changed, at: Date.now() });
    } catch (error) {
      this.logger.warn(
        `change of run ${changed.run_id} (${changed.task_ids.join(', ')}) not announced: ${(error as Error).message}`,
      );
    }
  }

  /** Whether the broker took it; one that did not is left to the reconciler, published_at null. */
  private async publishOne(dispatch: TaskDispatch): Promise<boolean> {
    try {
      await this.transport.dispatch(dispatch);
      return true;
    } catch (error) {
      this.logger.warn(
        `${dispatch.kind} task ${dispatch.task_id} attempt ${dispatch.attempt} not published, left to the reconciler: ${(error as Error).message}`,
      );
      return false;
    }
  }
}
