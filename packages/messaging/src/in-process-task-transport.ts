import {
  TaskCancelSchema,
  TaskChangeSchema,
  TaskDispatchSchema,
  TaskEventSchema,
  dispatchMessageId,
  type TaskCancel,
  type TaskChange,
  type TaskDispatch,
  type TaskEvent,
  type TaskKind,
} from '@mediaflow/contracts';
import type { z } from 'zod';
import type { Broadcast } from './in-process-broadcast';
import type { EventDelivery, EventLog } from './in-process-event-log';
import type { Take } from './in-process-store';
import type { WorkDelivery, WorkQueues, WorkTakerInfo } from './in-process-work-queues';
import type { JetStreamTaskTransportOptions } from './jetstream-task-transport';
import { countPublished } from './message-metrics';
import { decodeTaskMessage, encodeTaskMessage } from './task-message-codec';
import { consumeEventsInLanes } from './laned-event-consumer';
import {
  type EventConsumerOptions,
  type Stoppable,
  type TaskTransport,
  type WorkConcurrency,
  type WorkControl,
} from './task-transport';
import { TASK_TRANSPORT_DEFAULTS } from './task-transport-limits';
import { taskTransportNames, type TaskTransportNames } from './task-transport-names';
import { workKinds, type WorkSlots } from './work-slots';

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
  changes: Broadcast<Uint8Array>;
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
    countPublished('dispatch');
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
    countPublished('event');
    this.parts.events.publish(
      this.names.eventSubject(message.kind),
      text(encodeTaskMessage(message)),
    );
  }

  async consumeWork(
    concurrency: WorkConcurrency,
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
  ): Promise<Stoppable> {
    this.assertOpen();
    const kinds = workKinds(concurrency);
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
    const waiting = new Set<Take<WorkDelivery>>();
    const underWay = new Set<Promise<void>>();

    // One loop per kind, each with its own slots: it waits for a message only
    // while holding one, so that no more than the kind's concurrency are ever
    // in hand, and a busy kind never takes a slot from another.
    const loop = async (kind: TaskKind, slots: WorkSlots) => {
      const wanted = new Set<string>([kind]);
      while (!stopping) {
        if (!(await slots.acquire())) break;
        const take = this.parts.work.take(wanted, taker);
        waiting.add(take);
        const delivery = await take.promise;
        waiting.delete(take);
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
    };
    const loops = kinds.map(({ kind, slots }) => loop(kind, slots));

    return this.track(async () => {
      stopping = true;
      for (const { slots } of kinds) slots.close();
      for (const take of waiting) take.cancel();
      await Promise.all(loops);
      await Promise.all([...underWay]);
    });
  }

  async consumeEvents(
    durable: string,
    handler: (event: TaskEvent) => Promise<void>,
    { concurrency = 1 }: EventConsumerOptions = {},
  ): Promise<Stoppable> {
    this.assertOpen();
    // The same names as JetStream durable consumers accept.
    this.names.eventConsumer(durable);
    const limits = {
      ackWaitMs: this.ackWaitMs,
      maxDeliver: this.eventMaxDeliver,
      maxPending: concurrency,
    };
    let waiting: Take<EventDelivery> | undefined;
    const stop = consumeEventsInLanes(
      {
        // One at a time: in process, a take costs no round trip.
        pull: async (_max, deliver) => {
          waiting = this.parts.events.take(durable, limits);
          const delivery = await waiting.promise;
          waiting = undefined;
          if (!delivery) return null;
          deliver(delivery);
          return 1;
        },
        interrupt: () => waiting?.cancel(),
      },
      handler,
      {
        ...limits,
        concurrency,
        retryDelayMs: this.options.eventRetryDelayMs ?? TASK_TRANSPORT_DEFAULTS.eventRetryDelayMs,
        onInvalid: this.options.onInvalid,
        onError: this.options.onError,
      },
    );
    return this.track(stop);
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
    countPublished('cancel');
    this.parts.cancels.publish(encodeTaskMessage(TaskCancelSchema.parse(cancel)));
  }

  async onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable> {
    return this.listen(
      this.parts.cancels,
      this.names.cancelSubject,
      TaskCancelSchema,
      'cancel handler',
      handler,
    );
  }

  async announceChanges(change: TaskChange): Promise<void> {
    this.assertOpen();
    const message = encodeTaskMessage(TaskChangeSchema.parse(change));
    countPublished('change');
    this.parts.changes.publish(message);
  }

  async followChanges(handler: (change: TaskChange) => void): Promise<Stoppable> {
    return this.listen(
      this.parts.changes,
      this.names.changesSubject,
      TaskChangeSchema,
      'change follower',
      handler,
    );
  }

  /** Listens to a broadcast as a core NATS subscription would, each message parsed with `schema`. */
  private listen<S extends z.ZodType>(
    broadcast: Broadcast<Uint8Array>,
    subject: string,
    schema: S,
    context: string,
    handler: (message: z.output<S>) => void,
  ): Stoppable {
    this.assertOpen();
    const unlisten = broadcast.listen((payload) => {
      const decoded = decodeTaskMessage(schema, payload);
      if (!decoded.ok) return this.options.onInvalid?.(subject, decoded.reason);
      try {
        handler(decoded.value);
      } catch (failure) {
        this.options.onError?.(context, failure);
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
