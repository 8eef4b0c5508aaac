import type { TaskCancel, TaskDispatch, TaskEvent, TaskKind } from '@mediaflow/contracts';

/** What a worker does with the message it is working on. */
export interface WorkControl {
  /** Tells the broker the worker is alive and still on it (resets ack_wait). */
  working(): void;
  /** Done (whatever the outcome, once its event is published): never redelivered. */
  ack(): void;
  /** Give it back for redelivery after `delayMs` (the worker is shutting down). */
  nak(delayMs?: number): void;
  /** How many times this message has been delivered, 1 the first time. */
  deliveries: number;
}

export interface Stoppable {
  /** Stops taking new messages and waits for the handlers under way. */
  stop(): Promise<void>;
}

/**
 * The durable work queues and the event stream of runs, with two drivers:
 * JetStream (production, services mode) and in-process (all-in-one).
 */
export interface TaskTransport {
  /** Creates the streams (and whatever else the driver needs); safe to call from every service. */
  setup(): Promise<void>;
  /** Publishes one attempt; a second publish of the same task and attempt is dropped. */
  dispatch(dispatch: TaskDispatch): Promise<void>;
  /**
   * Pulls work of these kinds from their durable queues (one per kind, shared
   * by every replica), at most `concurrency` at once across them.
   */
  consumeWork(
    kinds: readonly TaskKind[],
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
    options: { concurrency: number },
  ): Promise<Stoppable>;
  /** Publishes an event; resolves when the broker has stored it. */
  publishEvent(event: TaskEvent): Promise<void>;
  /** Consumes every event durably under `durable`, in order per task; the handler's success acks. */
  consumeEvents(durable: string, handler: (event: TaskEvent) => Promise<void>): Promise<Stoppable>;
  /** Follows events from now on, not durably (for live views such as SSE). */
  followEvents(handler: (event: TaskEvent) => void): Promise<Stoppable>;
  /** Broadcasts a cancellation to whoever runs the task. */
  cancel(cancel: TaskCancel): Promise<void>;
  onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable>;
  close(): Promise<void>;
}

export const TASK_TRANSPORT = Symbol('TASK_TRANSPORT');
