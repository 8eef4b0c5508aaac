import type {
  TaskCancel,
  TaskChange,
  TaskDispatch,
  TaskEvent,
  TaskKind,
} from '@mediaflow/contracts';

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

/** The kinds a worker pulls, each with how many of its messages it may hold at once (its own slots). */
export type WorkConcurrency = Readonly<Partial<Record<TaskKind, number>>>;

export interface EventConsumerOptions {
  /**
   * Events in hand at once (the durable consumer's max_ack_pending), each
   * task's still one at a time. Default 1: every event in publication order.
   */
  concurrency?: number;
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
   * Pulls work of the kinds `concurrency` names from their durable queues
   * (one per kind, shared by every replica), each kind holding at most its
   * own count at once: a busy kind never takes another's slots.
   */
  consumeWork(
    concurrency: WorkConcurrency,
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
  ): Promise<Stoppable>;
  /** Publishes an event; resolves when the broker has stored it. */
  publishEvent(event: TaskEvent): Promise<void>;
  /**
   * Consumes every event durably under `durable` (one position shared by
   * every replica), up to `concurrency` at once: each event goes to its
   * task's lane, which runs one at a time, so the events of different tasks
   * are handled side by side and those of one task one after another. The
   * handler's success acks; when it throws, the event comes again after
   * `eventRetryDelayMs` (doubling), and after `eventMaxDeliver` deliveries
   * the consumer moves past it.
   *
   * Order. Within one consumer (one process), a task's events reach the
   * handler in publication order, a redelivery included: when a handler
   * throws, the task's later events wait, in hand, until its event comes
   * back and succeeds or is given up. Not guaranteed, so a handler must
   * tolerate an event that is stale or comes twice (the scheduler's changes
   * are conditional updates): across replicas sharing `durable` (each has
   * its own lanes; a redelivery may go to the other, and a lane waits for it
   * only the retry delay and one ack wait more); after an ack wait that ran
   * out or a restart, which bring events again, possibly after later ones;
   * and as the consumer stops, when a lane waiting for a redelivery runs
   * what it holds.
   */
  consumeEvents(
    durable: string,
    handler: (event: TaskEvent) => Promise<void>,
    options?: EventConsumerOptions,
  ): Promise<Stoppable>;
  /** Follows events from now on, not durably (for live views such as SSE). */
  followEvents(handler: (event: TaskEvent) => void): Promise<Stoppable>;
  /** Broadcasts a cancellation to whoever runs the task. */
  cancel(cancel: TaskCancel): Promise<void>;
  onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable>;
  /**
   * Tells every follower that these tasks changed: a broadcast, neither
   * stored nor retried (a follower that misses one finds the change on its
   * next read). Resolves once handed to the connection.
   */
  announceChanges(change: TaskChange): Promise<void>;
  /** Follows change notifications from now on, each parsed with its contract. */
  followChanges(handler: (change: TaskChange) => void): Promise<Stoppable>;
  close(): Promise<void>;
}

export const TASK_TRANSPORT = Symbol('TASK_TRANSPORT');
