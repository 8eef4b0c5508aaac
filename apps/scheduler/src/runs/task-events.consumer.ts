import type { TaskEvent } from '@mediaflow/contracts';
import { TASK_TRANSPORT, type Stoppable, type TaskTransport } from '@mediaflow/messaging';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import { DispatchPublisher } from './dispatch-publisher';
import { RunsService } from './runs.service';

/** The scheduler's durable consumer of TASK_EVENTS, shared by its replicas. */
export const EVENTS_DURABLE = 'scheduler';

/**
 * What workers report, each event acknowledged once its transaction has
 * committed: a handler that throws (the database away) gets the event again.
 *
 * MEDIAFLOW_EVENT_CONCURRENCY events at once, each task's in order
 * (TaskTransport.consumeEvents). That is safe because every change here
 * already stands alone: `started`, `complete` and `fail` take the run's lock
 * (its root row, FOR UPDATE) before they read the run, so two tasks of one
 * run are applied one after the other, each on what the other committed
 * (READ COMMITTED reads after the lock); `progress` is one conditional
 * UPDATE of its own row. Every write names the attempt and status it expects,
 * so an event that comes late or twice (across replicas, or after a
 * redelivery) changes nothing. A transaction takes one run's lock only, so runs
 * cannot deadlock each other; the RPC handlers (create, cancel) and the
 * reconciler have always run beside this consumer under the same lock.
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Stoppable;

  constructor(
    @Inject(TASK_TRANSPORT) private readonly transport: TaskTransport,
    private readonly runs: RunsService,
    private readonly publisher: DispatchPublisher,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.transport.consumeEvents(
      EVENTS_DURABLE,
      (event) => this.handle(event),
      { concurrency: this.config.MEDIAFLOW_EVENT_CONCURRENCY },
    );
  }

  /** Before the database closes: the events under way finish (and are acked) first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  async handle(event: TaskEvent): Promise<void> {
    switch (event.type) {
      case 'started':
        await this.runs.started(event.task_id, event.attempt);
        break;
      case 'progress':
        return this.runs.progress(event.task_id, event.attempt, event.progress);
      case 'completed':
        await this.runs.complete(event);
        break;
      case 'failed':
        await this.runs.fail(event.task_id, event.attempt, event.error, event.retryable);
        break;
    }
    // A queued task taken, or one in flight ended: the kind's queue, or the project's share, has room.
    this.publisher.fairQueue.wake(event.kind);
  }
}
