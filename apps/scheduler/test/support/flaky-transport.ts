import type { TaskCancel, TaskDispatch, TaskEvent, TaskKind } from '@mediaflow/contracts';
import type { Stoppable, TaskTransport, WorkControl } from '@mediaflow/messaging';

/** The real transport, with a switch that makes the next dispatches fail to publish (a broker hiccup). */
export class FlakyTransport implements TaskTransport {
  failNextDispatches = 0;
  failedDispatches: TaskDispatch[] = [];

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
    kinds: readonly TaskKind[],
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
    options: { concurrency: number },
  ): Promise<Stoppable> {
    return this.inner.consumeWork(kinds, handler, options);
  }

  publishEvent(event: TaskEvent): Promise<void> {
    return this.inner.publishEvent(event);
  }

  consumeEvents(durable: string, handler: (event: TaskEvent) => Promise<void>): Promise<Stoppable> {
    return this.inner.consumeEvents(durable, handler);
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

  close(): Promise<void> {
    return this.inner.close();
  }
}
