import type { TaskCancel, TaskChange, TaskDispatch, TaskEvent } from '@mediaflow/contracts';
import type {
  EventConsumerOptions,
  Stoppable,
  TaskTransport,
  WorkConcurrency,
  WorkControl,
} from '@mediaflow/messaging';

/**
 * The real transport, with switches that make the next dispatches or change
 * notifications fail to publish (a broker hiccup), and a record of the
 * notifications announced.
 */
export class FlakyTransport implements TaskTransport {
  failNextDispatches = 0;
  failedDispatches: TaskDispatch[] = [];
  failNextAnnouncements = 0;
  readonly announced: TaskChange[] = [];

  constructor(private readonly inner: TaskTransport) {}

  setup(): Promise<void> {
    return this.inner.setup();
  }

  async dispatch(dispatch: TaskDispatch): Promise<void> {
    if (this.failNextDispatches > 0) {
      this.failNextDispatches--;
      this.failedDispatches.push(dispatch);
      throw new Error('simulated publish failure');
    }
    await this.inner.dispatch(dispatch);
  }

  consumeWork(
    concurrency: WorkConcurrency,
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
  ): Promise<Stoppable> {
    return this.inner.consumeWork(concurrency, handler);
  }

  publishEvent(event: TaskEvent): Promise<void> {
    return this.inner.publishEvent(event);
  }

  consumeEvents(
    durable: string,
    handler: (event: TaskEvent) => Promise<void>,
    options?: EventConsumerOptions,
  ): Promise<Stoppable> {
    return this.inner.consumeEvents(durable, handler, options);
  }

  followEvents(handler: (event: TaskEvent) => void): Promise<Stoppable> {
    return this.inner.followEvents(handler);
  }

  cancel(cancel: TaskCancel): Promise<void> {
    return this.inner.cancel(cancel);
  }

  onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable> {
    return this.inner.onCancel(handler);
  }

  async announceChanges(change: TaskChange): Promise<void> {
    if (this.failNextAnnouncements > 0) {
      this.failNextAnnouncements--;
      throw new Error('simulated publish failure');
    }
    this.announced.push(change);
    await this.inner.announceChanges(change);
  }

  followChanges(handler: (change: TaskChange) => void): Promise<Stoppable> {
    return this.inner.followChanges(handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
