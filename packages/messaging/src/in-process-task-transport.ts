import {
  TaskCancelSchema,
  TaskDispatchSchema,
  TaskEventSchema,
  dispatchMessageId,
  type TaskCancel,
  type TaskDispatch,
  type TaskEvent,
  type TaskKind,
} from '@mediaflow/contracts';
import type { Broadcast } from './in-process-broadcast';
import type { EventDelivery, EventLog } from './in-process-event-log';
import type { Take } from './in-process-store';
import type { WorkDelivery, WorkQueues, WorkTakerInfo } from './in-process-work-queues';
import type { JetStreamTaskTransportOptions } from './jetstream-task-transport';
import { decodeTaskMessage, encodeTaskMessage } from './task-message-codec';
import type { Stoppable, TaskTransport, WorkControl } from './task-transport';
import { TASK_TRANSPORT_DEFAULTS, eventRetryDelayMs } from './task-transport-limits';
import { taskTransportNames, type TaskTransportNames } from './task-transport-names';
import { WorkSlots } from './work-slots';

/**
 * The JetStream transport's options, less what only a network needs (and
 * pulls, which in-process are not polled): the same limits, with the same
 * defaults and meaning.
 */
export type InProcessTaskTransportOptions = Omit<
  JetStreamTaskTransportOptions,
  'url' | 'subjectPrefix' | 'pullExpiresMs'
>;

/** @internal What a transport shares with the others of its broker. */
export interface InProcessTaskParts {
  work: WorkQueues;
  events: EventLog;
  cancels: Broadcast<Uint8Array>;
}

/**
 * One service's view of an {@link InProcessBroker}'s work queues, event
 * stream and cancellations, with the JetStream transport's semantics. Every
 * message is encoded and decoded with the task-message codec, as over
 * JetStream, so that a message that breaks its contract (one stored by an
 * older version, say) is handled the same way. Subjects are the contract's,
 * without a prefix: a broker is one installation.
 */
export class InProcessTaskTransport implements TaskTransport {
  readonly names: TaskTransportNames = taskTransportNames();
  private readonly ackWaitMs: number;
  private readonly maxDeliver: number;
  private readonly eventMaxDeliver: number;
  private readonly running = new Set<Stoppable>();
  private closing?: Promise<void>;
  private closed = false;

  /** @internal Made by {@link InProcessBroker.taskTransport}. */
  constructor(
    private readonly parts: InProcessTaskParts,
    private readonly options: InProcessTaskTransportOptions,
    private readonly onClosed: () => void,
  ) {
    this.ackWaitMs = options.ackWaitMs ?? TASK_TRANSPORT_DEFAULTS.ackWaitMs;
    this.maxDeliver = options.maxDeliver ?? TASK_TRANSPORT_DEFAULTS.maxDeliver;
    this.eventMaxDeliver = options.eventMaxDeliver ?? TASK_TRANSPORT_DEFAULTS.eventMaxDeliver;
  }

  /** Nothing to create: the broker has every queue from the start. */
  async setup(): Promise<void> {
    this.assertOpen();
  }

  async dispatch(dispatch: TaskDispatch): Promise<void> {
    this.assertOpen();
    const message = TaskDispatchSchema.parse(dispatch);
    // A duplicate (the same attempt published twice within the window) is dropped, as by the JetStream stream.
    this.parts.work.publish(
      this.names.runSubject(message.kind),
      message.kind,
      text(encodeTaskMessage(message)),
      dispatchMessageId(message.task_id, message.attempt),
    );
  }

  async publishEvent(event: TaskEvent): Promise<void> {
    this.assertOpen();
    const message = TaskEventSchema.parse(event);
    this.parts.events.publish(
      this.names.eventSubject(message.kind),
      text(encodeTaskMessage(message)),
    );
  }

  async consumeWork(
    kinds: readonly TaskKind[],
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
    { concurrency }: { concurrency: number },
  ): Promise<Stoppable> {
    this.assertOpen();
    const slots = new WorkSlots(concurrency);
    const wanted = new Set<string>(kinds);
    const taker: WorkTakerInfo = {
      limits: { ackWaitMs: this.ackWaitMs, maxDeliver: this.maxDeliver },
      // JetStream drops such a message silently (an advisory nobody reads); here someone can be told.
      onGivenUp: (subject, deliveries) =>
        this.options.onError?.(
          `work on ${subject} was delivered ${deliveries} times and never acked; giving it up`,
          new Error(`${subject}: no ack after ${deliveries} deliveries`),
        ),
    };
    let stopping = false;
    let waiting: Take<WorkDelivery> | undefined;
    const underWay = new Set<Promise<void>>();

    // One loop over every kind: it waits for a message only while holding a
    // slot, so that no more than `concurrency` are ever in hand, and an idle
    // kind never holds a slot another kind could use.
    const loop = (async () => {
      while (!stopping) {
        if (!(await slots.acquire())) break;
        waiting = this.parts.work.take(wanted, taker);
        const delivery = await waiting.promise;
        waiting = undefined;
        if (!delivery) {
          slots.release();
          break;
        }
        if (stopping) {
          // Handed over as we were stopping: back to the queue, uncounted, for another worker.
          delivery.giveBack();
          slots.release();
          break;
        }
        const run = this.handleWork(delivery, handler).finally(() => {
          underWay.delete(run);
          slots.release();
        });
        underWay.add(run);
      }
    })();

    return this.track(async () => {
      stopping = true;
      slots.close();
      waiting?.cancel();
      await loop;
      await Promise.all([...underWay]);
    });
  }

  async consumeEvents(
    durable: string,
    handler: (event: TaskEvent) => Promise<void>,
  ): Promise<Stoppable> {
    this.assertOpen();
    // The same names as JetStream durable consumers accept.
    this.names.eventConsumer(durable);
    const limits = { ackWaitMs: this.ackWaitMs, maxDeliver: this.eventMaxDeliver };
    let stopping = false;
    let waiting: Take<EventDelivery> | undefined;
    const loop = (async () => {
      while (!stopping) {
        waiting = this.parts.events.take(durable, limits);
        const delivery = await waiting.promise;
        waiting = undefined;
        if (!delivery) break;
        // An event handed over as we stop is still handled, as the JetStream transport does: it keeps the order.
        await this.handleEvent(delivery, handler);
      }
    })();
    return this.track(async () => {
      stopping = true;
      waiting?.cancel();
      await loop;
    });
  }

  async followEvents(handler: (event: TaskEvent) => void): Promise<Stoppable> {
    this.assertOpen();
    const unfollow = this.parts.events.follow((stored) => {
      const event = decodeTaskMessage(TaskEventSchema, Buffer.from(stored.payload, 'utf8'));
      if (!event.ok) return this.options.onInvalid?.(stored.subject, event.reason);
      try {
        handler(event.value);
      } catch (failure) {
        this.options.onError?.(`follower of ${stored.subject}`, failure);
      }
    });
    return this.track(async () => unfollow());
  }

  async cancel(cancel: TaskCancel): Promise<void> {
    this.assertOpen();
    this.parts.cancels.publish(encodeTaskMessage(TaskCancelSchema.parse(cancel)));
  }

  async onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable> {
    this.assertOpen();
    const subject = this.names.cancelSubject;
    const unlisten = this.parts.cancels.listen((payload) => {
      const cancel = decodeTaskMessage(TaskCancelSchema, payload);
      if (!cancel.ok) return this.options.onInvalid?.(subject, cancel.reason);
      try {
        handler(cancel.value);
      } catch (failure) {
        this.options.onError?.('cancel handler', failure);
      }
    });
    return this.track(async () => unlisten());
  }

  /** Resolves while the transport is open; for readiness probes. */
  async ping(): Promise<void> {
    this.assertOpen();
  }

  /** Stops every consumer of this view (waiting for their handlers); the broker and other views go on. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.closed = true;
      await Promise.all([...this.running].map((s) => s.stop()));
      this.onClosed();
    })());
  }

  private async handleWork(
    delivery: WorkDelivery,
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
  ): Promise<void> {
    const dispatch = decodeTaskMessage(TaskDispatchSchema, delivery.payload);
    const reason = !dispatch.ok
      ? dispatch.reason
      : dispatch.value.kind !== delivery.kind
        ? `a ${dispatch.value.kind} task on the ${delivery.kind} queue`
        : null;
    if (!dispatch.ok || reason) {
      delivery.term();
      this.options.onInvalid?.(delivery.subject, reason ?? 'invalid');
      return;
    }
    const control: WorkControl = {
      working: () => delivery.working(),
      ack: () => delivery.ack(),
      nak: (delayMs) => delivery.nak(delayMs),
      deliveries: delivery.deliveries,
    };
    try {
      await handler(dispatch.value, control);
    } catch (error) {
      // Left unacked, the message comes again after the ack wait, as if the worker had crashed.
      this.options.onError?.(`work handler for ${delivery.subject}`, error);
    }
  }

  private async handleEvent(
    delivery: EventDelivery,
    handler: (event: TaskEvent) => Promise<void>,
  ): Promise<void> {
    const event = decodeTaskMessage(TaskEventSchema, delivery.payload);
    if (!event.ok) {
      delivery.term();
      this.options.onInvalid?.(delivery.subject, event.reason);
      return;
    }
    try {
      await handler(event.value);
    } catch (error) {
      const { deliveries } = delivery;
      this.options.onError?.(
        deliveries >= this.eventMaxDeliver
          ? `event handler for ${delivery.subject} failed ${deliveries} times; giving the event up`
          : `event handler for ${delivery.subject}`,
        error,
      );
      delivery.nak(
        eventRetryDelayMs(
          this.options.eventRetryDelayMs ?? TASK_TRANSPORT_DEFAULTS.eventRetryDelayMs,
          deliveries,
        ),
      );
      return;
    }
    delivery.ack();
  }

  private track(stop: () => Promise<void>): Stoppable {
    let stopped: Promise<void> | undefined;
    const stoppable: Stoppable = {
      stop: () =>
        (stopped ??= stop().finally(() => {
          this.running.delete(stoppable);
        })),
    };
    this.running.add(stoppable);
    return stoppable;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new Error(`The in-process task transport of ${this.options.name} is closed`);
  }
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}
