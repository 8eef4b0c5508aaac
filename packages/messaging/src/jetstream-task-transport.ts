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
import {
  type Consumer,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  type NatsError,
  type StreamConfig,
} from 'nats';
import { decodeTaskMessage, encodeTaskMessage } from './task-message-codec';
import {
  eventConsumerConfig,
  eventStreamConfig,
  workConsumerConfig,
  workStreamConfig,
} from './task-stream-config';
import type { Stoppable, TaskTransport, WorkControl } from './task-transport';
import { TASK_TRANSPORT_DEFAULTS, eventRetryDelayMs } from './task-transport-limits';
import { taskTransportNames, type TaskTransportNames } from './task-transport-names';
import { WorkSlots } from './work-slots';
import { connectNats } from './nats-connection';

export interface JetStreamTaskTransportOptions {
  url: string;
  /** Shown in the server's connection list. */
  name: string;
  subjectPrefix?: string;
  /** How long a worker may be silent before JetStream delivers its message again. Default 30 s. */
  ackWaitMs?: number;
  /** Deliveries of one dispatch before JetStream gives up on it. Default 5. */
  maxDeliver?: number;
  /**
   * How long one pull waits for a message (≥ 1 s). With more kinds than
   * slots, an idle kind holds a slot this long; it also bounds how long
   * `stop()` waits on a quiet queue. Default 1 s.
   */
  pullExpiresMs?: number;
  /** The first wait before an event whose handler threw comes again; it doubles each time, up to 30 s. Default 1 s. */
  eventRetryDelayMs?: number;
  /** Deliveries of one event before the durable consumer moves past it. Default 20. */
  eventMaxDeliver?: number;
  /** Told about messages that break their contract; they are terminated, never delivered again. */
  onInvalid?: (subject: string, reason: string) => void;
  /** Told about failures nobody else sees: a pull that failed, a handler that threw, an event given up. */
  onError?: (context: string, error: unknown) => void;
}

const DEFAULT_PULL_EXPIRES_MS = 1_000;
/** JetStream's error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;
/** After a failed pull (a reconnect, a consumer being recreated), before the next. */
const PULL_FAILURE_PAUSE_MS = 1_000;

/**
 * The production TaskTransport: work on JetStream work queues (one durable
 * pull consumer per kind), events on a limits stream, cancellations as core
 * NATS broadcasts.
 */
export class JetStreamTaskTransport implements TaskTransport {
  readonly names: TaskTransportNames;
  private readonly js: JetStreamClient;
  private readonly ackWaitMs: number;
  private readonly maxDeliver: number;
  private readonly pullExpiresMs: number;
  /** What close() stops before draining the connection. */
  private readonly running = new Set<Stoppable>();
  private closing?: Promise<void>;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamTaskTransportOptions,
  ) {
    this.names = taskTransportNames(options.subjectPrefix);
    this.js = connection.jetstream();
    this.ackWaitMs = options.ackWaitMs ?? TASK_TRANSPORT_DEFAULTS.ackWaitMs;
    this.maxDeliver = options.maxDeliver ?? TASK_TRANSPORT_DEFAULTS.maxDeliver;
    this.pullExpiresMs = Math.max(1_000, options.pullExpiresMs ?? DEFAULT_PULL_EXPIRES_MS);
  }

  static async connect(options: JetStreamTaskTransportOptions): Promise<JetStreamTaskTransport> {
    taskTransportNames(options.subjectPrefix);
    const connection = await connectNats(options);
    try {
      return new JetStreamTaskTransport(connection, await connection.jetstreamManager(), options);
    } catch (error) {
      await connection.close();
      throw new Error(
        `NATS at ${options.url} has no JetStream (start nats-server with -js): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async setup(): Promise<void> {
    await this.ensureStream(workStreamConfig(this.names));
    await this.ensureStream(eventStreamConfig(this.names));
  }

  async dispatch(dispatch: TaskDispatch): Promise<void> {
    const message = TaskDispatchSchema.parse(dispatch);
    // A duplicate (the same attempt published twice) is acknowledged and dropped by the stream.
    await this.js.publish(this.names.runSubject(message.kind), encodeTaskMessage(message), {
      msgID: dispatchMessageId(message.task_id, message.attempt),
    });
  }

  async publishEvent(event: TaskEvent): Promise<void> {
    const message = TaskEventSchema.parse(event);
    await this.js.publish(this.names.eventSubject(message.kind), encodeTaskMessage(message));
  }

  async consumeWork(
    kinds: readonly TaskKind[],
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
    { concurrency }: { concurrency: number },
  ): Promise<Stoppable> {
    const slots = new WorkSlots(concurrency);
    const consumers = await Promise.all(
      [...new Set(kinds)].map(async (kind) => ({
        kind,
        consumer: await this.ensureConsumer(
          this.names.workStream,
          workConsumerConfig(this.names, kind, {
            ackWaitMs: this.ackWaitMs,
            maxDeliver: this.maxDeliver,
          }),
        ),
      })),
    );
    const stopping = new Stopping();
    const underWay = new Set<Promise<void>>();

    // One pull loop per kind; a loop pulls only while holding a slot, so that
    // no more than `concurrency` messages are ever in this process's hands.
    const pullLoop = async (kind: TaskKind, consumer: Consumer) => {
      while (!stopping.is) {
        if (!(await slots.acquire())) break;
        const message = await this.pull(consumer, `work ${kind}`, stopping);
        if (!message) {
          slots.release();
          continue;
        }
        if (stopping.is) {
          // Pulled as we were stopping: straight back for another worker.
          this.reply(message, 'nak', () => message.nak());
          slots.release();
          break;
        }
        const run = this.handleWork(kind, message, handler).finally(() => {
          underWay.delete(run);
          slots.release();
        });
        underWay.add(run);
      }
    };
    const loops = consumers.map(({ kind, consumer }) => pullLoop(kind, consumer));

    return this.track(async () => {
      stopping.stop();
      slots.close();
      await Promise.all(loops);
      await Promise.all([...underWay]);
    });
  }

  async consumeEvents(
    durable: string,
    handler: (event: TaskEvent) => Promise<void>,
  ): Promise<Stoppable> {
    const consumer = await this.ensureConsumer(
      this.names.eventStream,
      eventConsumerConfig(this.names, durable, {
        ackWaitMs: this.ackWaitMs,
        maxDeliver: this.options.eventMaxDeliver ?? TASK_TRANSPORT_DEFAULTS.eventMaxDeliver,
      }),
    );
    const stopping = new Stopping();
    const loop = (async () => {
      while (!stopping.is) {
        const message = await this.pull(consumer, `events ${durable}`, stopping);
        // An event pulled as we stop is still handled: handlers are short, and it keeps the order.
        if (message) await this.handleEvent(message, handler);
      }
    })();
    return this.track(async () => {
      stopping.stop();
      await loop;
    });
  }

  async followEvents(handler: (event: TaskEvent) => void): Promise<Stoppable> {
    // JetStream publishes are plain NATS messages too: a core subscription sees them from now on.
    const subscription = this.connection.subscribe(this.names.eventSubjects, {
      callback: (error, message) => {
        if (error) return;
        const event = decodeTaskMessage(TaskEventSchema, message.data);
        if (!event.ok) return this.options.onInvalid?.(message.subject, event.reason);
        try {
          handler(event.value);
        } catch (failure) {
          this.options.onError?.(`follower of ${message.subject}`, failure);
        }
      },
    });
    await this.connection.flush();
    return this.track(async () => {
      if (!subscription.isClosed()) await subscription.drain();
    });
  }

  async cancel(cancel: TaskCancel): Promise<void> {
    this.connection.publish(
      this.names.cancelSubject,
      encodeTaskMessage(TaskCancelSchema.parse(cancel)),
    );
    await this.connection.flush();
  }

  async onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable> {
    const subscription = this.connection.subscribe(this.names.cancelSubject, {
      callback: (error, message) => {
        if (error) return;
        const cancel = decodeTaskMessage(TaskCancelSchema, message.data);
        if (!cancel.ok) return this.options.onInvalid?.(message.subject, cancel.reason);
        try {
          handler(cancel.value);
        } catch (failure) {
          this.options.onError?.('cancel handler', failure);
        }
      },
    });
    await this.connection.flush();
    return this.track(async () => {
      if (!subscription.isClosed()) await subscription.drain();
    });
  }

  /** Resolves when the server answers a round trip; for readiness probes. */
  async ping(): Promise<void> {
    await this.connection.flush();
  }

  /** Stops every consumer (waiting for their handlers), then drains the connection. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await Promise.all([...this.running].map((s) => s.stop()));
      if (!this.connection.isClosed()) await this.connection.drain();
    })());
  }

  private async handleWork(
    kind: TaskKind,
    message: JsMsg,
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
  ): Promise<void> {
    const dispatch = decodeTaskMessage(TaskDispatchSchema, message.data);
    const reason = !dispatch.ok
      ? dispatch.reason
      : dispatch.value.kind !== kind
        ? `a ${dispatch.value.kind} task on the ${kind} queue`
        : null;
    if (!dispatch.ok || reason) {
      // No reason on the wire: nats-server 2.9 ignores a `+TERM` that carries one.
      this.reply(message, 'term', () => message.term());
      this.options.onInvalid?.(message.subject, reason ?? 'invalid');
      return;
    }
    const control: WorkControl = {
      working: () => this.reply(message, 'working', () => message.working()),
      ack: () => this.reply(message, 'ack', () => message.ack()),
      nak: (delayMs) => this.reply(message, 'nak', () => message.nak(delayMs)),
      deliveries: message.info.redeliveryCount,
    };
    try {
      await handler(dispatch.value, control);
    } catch (error) {
      // Left unacked, the message comes again after ack_wait, as if the worker had crashed.
      this.options.onError?.(`work handler for ${message.subject}`, error);
    }
  }

  private async handleEvent(
    message: JsMsg,
    handler: (event: TaskEvent) => Promise<void>,
  ): Promise<void> {
    const event = decodeTaskMessage(TaskEventSchema, message.data);
    if (!event.ok) {
      this.reply(message, 'term', () => message.term());
      this.options.onInvalid?.(message.subject, event.reason);
      return;
    }
    try {
      await handler(event.value);
    } catch (error) {
      const deliveries = message.info.redeliveryCount;
      const maxDeliver = this.options.eventMaxDeliver ?? TASK_TRANSPORT_DEFAULTS.eventMaxDeliver;
      this.options.onError?.(
        deliveries >= maxDeliver
          ? `event handler for ${message.subject} failed ${deliveries} times; giving the event up`
          : `event handler for ${message.subject}`,
        error,
      );
      const first = this.options.eventRetryDelayMs ?? TASK_TRANSPORT_DEFAULTS.eventRetryDelayMs;
      this.reply(message, 'nak', () => message.nak(eventRetryDelayMs(first, deliveries)));
      return;
    }
    this.reply(message, 'ack', () => message.ack());
  }

  /**
   * Acks and heartbeats are publishes, which throw on a closed connection;
   * called from timers, that would take the process down. Unsent, the
   * message is simply delivered again after ack_wait.
   */
  private reply(message: JsMsg, what: string, send: () => void): void {
    try {
      send();
    } catch (error) {
      this.options.onError?.(`${what} on ${message.subject}`, error);
    }
  }

  /** One message, or null when none came in time or the pull failed (reported, then paused). */
  private async pull(consumer: Consumer, what: string, stopping: Stopping): Promise<JsMsg | null> {
    try {
      return await consumer.next({ expires: this.pullExpiresMs });
    } catch (error) {
      if (stopping.is || this.connection.isClosed()) return null;
      this.options.onError?.(`pulling ${what}`, error);
      await stopping.sleep(PULL_FAILURE_PAUSE_MS);
      return null;
    }
  }

  private async ensureStream(config: Partial<StreamConfig>): Promise<void> {
    const name = config.name!;
    const exists = await this.jsm.streams.info(name).then(
      () => true,
      (error: unknown) => {
        if ((error as NatsError).api_error?.err_code === STREAM_NOT_FOUND) return false;
        throw error;
      },
    );
    if (exists) {
      await this.jsm.streams.update(name, config);
      return;
    }
    try {
      await this.jsm.streams.add(config);
    } catch (error) {
      // Another service made it between our look and our add.
      if (!/already in use/i.test((error as Error).message)) throw error;
      await this.jsm.streams.update(name, config);
    }
  }

  /** Creates the durable consumer, or brings an existing one to this config (nats-server updates it in place). */
  private async ensureConsumer(stream: string, config: Partial<ConsumerConfig>): Promise<Consumer> {
    await this.jsm.consumers.add(stream, config);
    return this.js.consumers.get(stream, config.durable_name!);
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
}

/** A stop flag whose sleeps end early when it is raised. */
class Stopping {
  is = false;
  private readonly wakers = new Set<() => void>();

  stop(): void {
    this.is = true;
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  sleep(ms: number): Promise<void> {
    if (this.is) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
