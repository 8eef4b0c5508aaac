import type { TaskEvent } from '@mediaflow/contracts';
import { TASK_TRANSPORT, type Stoppable, type TaskTransport } from '@mediaflow/messaging';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RunsService } from './runs.service';

/** The scheduler's durable consumer of TASK_EVENTS, shared by its replicas. */
export const EVENTS_DURABLE = 'scheduler';

/**
 * What workers report, in order, each event acknowledged once its
 * transaction has committed: a handler that throws (the database away) gets
 * the event again.
 */
@Injectable()
export class TaskEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Stoppable;

  constructor(
    @Inject(TASK_TRANSPORT) private readonly transport: TaskTransport,
    private readonly runs: RunsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.transport.consumeEvents(EVENTS_DURABLE, (event) =>
      this.handle(event),
    );
  }

  /** Before the database closes: the event under way finishes (and is acked) first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  handle(event: TaskEvent): Promise<void> {
    switch (event.type) {
      case 'started':
        return this.runs.started(event.task_id, event.attempt);
      case 'progress':
        return this.runs.progress(event.task_id, event.attempt, event.progress);
      case 'completed':
        return this.runs.complete(event);
      case 'failed':
        return this.runs.fail(event.task_id, event.attempt, event.error, event.retryable);
    }
  }
}
