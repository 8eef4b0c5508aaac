import {
  TASK_KIND_NAMES,
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
import { redactUrl } from '@mediaflow/observability';
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
import type { z } from 'zod';
import { countPublished } from './message-metrics';
import { decodeTaskMessage, encodeTaskMessage } from './task-message-codec';
import {
  eventConsumerConfig,
  eventStreamConfig,
  workConsumerConfig,
  workStreamConfig,
} from './task-stream-config';
import { consumeEventsInLanes, type HeldEvent } from './laned-event-consumer';
import { Stopping } from './stopping';
import type {
  EventConsumerOptions,
  Stoppable,
  TaskTransport,
  WorkConcurrency,
  WorkControl,
} from './task-transport';
import { TASK_TRANSPORT_DEFAULTS } from './task-transport-limits';
import { taskTransportNames, type TaskTransportNames } from './task-transport-names';
import { workKinds, type WorkSlots } from './work-slots';
import { connectNats, type NatsConnectionOptions } from './nats-connection';

export interface JetStreamTaskTransportOptions extends NatsConnectionOptions {
  subjectPrefix?: string;
  /** Copies JetStream keeps of the work and event streams (setup makes or updates them so). Default 1. */
  streamReplicas?: number;
  /** How long a worker may be silent before JetStream delivers its message again. Default 30 s. */
  ackWaitMs?: number;
  /** Deliveries of one dispatch before JetStream gives up on it. Default 5. */
  maxDeliver?: number;
  /**
   * How long one pull waits for a message (≥ 1 s): it bounds how long
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
/** JetStream's error code for a consumer that does not exist. */
const CONSUMER_NOT_FOUND = 10014;
/** JetStream's error code (2.10 on) for a create of a consumer that exists with another config. */
const CONSUMER_EXISTS = 10148;
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
        `NATS at ${redactUrl(options.url)} has no JetStream (start nats-server with -js): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Makes or updates the streams, and makes the work consumer of every kind
   * that has none yet. An autoscaler reads a kind's lag from its consumer
   * (KEDA's nats-jetstream scaler: num_pending + num_ack_pending), and one
   * that does not exist reads as the whole stream, so a worker never run
   * would be scaled straight to its maximum. An existing consumer is left as
   * it is: its worker's ack wait and max deliver win over this transport's.
   */
  async setup(): Promise<void> {
    const replicas = this.options.streamReplicas ?? 1;
    await this.ensureStream(workStreamConfig(this.names, replicas));
    await this.ensureStream(eventStreamConfig(this.names, replicas));
    await Promise.all(
      TASK_KIND_NAMES.map((kind) =>
        this.addConsumerIfMissing(this.names.workStream, this.workConsumerConfig(kind)),
      ),
    );
  }

  async dispatch(dispatch: TaskDispatch): Promise<void> {
    const message = TaskDispatchSchema.parse(dispatch);
    // A duplicate (the same attempt published twice) is acknowledged and dropped by the stream.
    countPublished('dispatch');
    await this.js.publish(this.names.runSubject(message.kind), encodeTaskMessage(message), {
      msgID: dispatchMessageId(message.task_id, message.attempt),
    });
  }

  async publishEvent(event: TaskEvent): Promise<void> {
    const message = TaskEventSchema.parse(event);
    countPublished('event');
    await this.js.publish(this.names.eventSubject(message.kind), encodeTaskMessage(message));
  }

  async consumeWork(
    concurrency: WorkConcurrency,
    handler: (dispatch: TaskDispatch, control: WorkControl) => Promise<void>,
  ): Promise<Stoppable> {
    const kinds = await Promise.all(
      workKinds(concurrency).map(async ({ kind, slots }) => ({
        kind,
        slots,
        consumer: await this.ensureConsumer(this.names.workStream, this.workConsumerConfig(kind)),
      })),
    );
    const stopping = new Stopping();
    const underWay = new Set<Promise<void>>();

    // One pull loop per kind, each with its own slots; a loop pulls only while
    // holding one, so that no more than the kind's concurrency are ever in
    // this process's hands.
    const pullLoop = async (kind: TaskKind, slots: WorkSlots, consumer: Consumer) => {
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
    const loops = kinds.map(({ kind, slots, consumer }) => pullLoop(kind, slots, consumer));

    return this.track(async () => {
      stopping.stop();
      for (const { slots } of kinds) slots.close();
      await Promise.all(loops);
      await Promise.all([...underWay]);
    });
  }

  async consumeEvents(
    durable: string,
    handler: (event: TaskEvent) => Promise<void>,
    { concurrency = 1 }: EventConsumerOptions = {},
  ): Promise<Stoppable> {
    const maxDeliver = this.options.eventMaxDeliver ?? TASK_TRANSPORT_DEFAULTS.eventMaxDeliver;
    const consumer = await this.ensureConsumer(
      this.names.eventStream,
      eventConsumerConfig(this.names, durable, {
        ackWaitMs: this.ackWaitMs,
        maxDeliver,
        maxAckPending: concurrency,
      }),
    );
    const stopping = new Stopping();
    const stop = consumeEventsInLanes(
      {
        // An event pulled as we stop is still handled: the pull ends by itself within pullExpiresMs.
        pull: async (max, deliver) => {
          let got = 0;
          try {
            const messages = await consumer.fetch({
              max_messages: max,
              expires: this.pullExpiresMs,
            });
            for await (const message of messages) {
              got++;
              deliver(this.heldEvent(message));
            }
          } catch (error) {
            if (!stopping.is && !this.connection.isClosed()) {
              this.options.onError?.(`pulling events ${durable}`, error);
              await stopping.sleep(PULL_FAILURE_PAUSE_MS);
            }
          }
          return got;
        },
        interrupt: () => stopping.stop(),
      },
      handler,
      {
        concurrency,
        ackWaitMs: this.ackWaitMs,
        maxDeliver,
        retryDelayMs: this.options.eventRetryDelayMs ?? TASK_TRANSPORT_DEFAULTS.eventRetryDelayMs,
        onInvalid: this.options.onInvalid,
        onError: this.options.onError,
      },
    );
    return this.track(stop);
  }

  followEvents(handler: (event: TaskEvent) => void): Promise<Stoppable> {
    // JetStream publishes are plain NATS messages too: a core subscription sees them from now on.
    return this.listen(
      this.names.eventSubjects,
      TaskEventSchema,
      (subject) => `follower of ${subject}`,
      handler,
    );
  }

  async cancel(cancel: TaskCancel): Promise<void> {
    countPublished('cancel');
    this.connection.publish(
      this.names.cancelSubject,
      encodeTaskMessage(TaskCancelSchema.parse(cancel)),
    );
    await this.connection.flush();
  }

  onCancel(handler: (cancel: TaskCancel) => void): Promise<Stoppable> {
    return this.listen(this.names.cancelSubject, TaskCancelSchema, () => 'cancel handler', handler);
  }

  /** Not flushed: the connection sends it within the turn, and a lost one costs only latency. */
  async announceChanges(change: TaskChange): Promise<void> {
    const message = encodeTaskMessage(TaskChangeSchema.parse(change));
    countPublished('change');
    this.connection.publish(this.names.changesSubject, message);
  }

  followChanges(handler: (change: TaskChange) => void): Promise<Stoppable> {
    return this.listen(
      this.names.changesSubject,
      TaskChangeSchema,
      () => 'change follower',
      handler,
    );
  }

  /** A core subscription (every subscriber gets every message), each message parsed with `schema`. */
  private async listen<S extends z.ZodType>(
    subject: string,
    schema: S,
    context: (subject: string) => string,
    handler: (message: z.output<S>) => void,
  ): Promise<Stoppable> {
    const subscription = this.connection.subscribe(subject, {
      callback: (error, message) => {
        if (error) return;
        const decoded = decodeTaskMessage(schema, message.data);
        if (!decoded.ok) return this.options.onInvalid?.(message.subject, decoded.reason);
        try {
          handler(decoded.value);
        } catch (failure) {
          this.options.onError?.(context(message.subject), failure);
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

  /** A pulled event, for the lanes; its replies go through {@link reply}. */
  private heldEvent(message: JsMsg): HeldEvent {
    return {
      subject: message.subject,
      payload: message.data,
      seq: message.seq,
      deliveries: message.info.redeliveryCount,
      ack: () => this.reply(message, 'ack', () => message.ack()),
      // No reason on the wire: nats-server 2.9 ignores a `+TERM` that carries one.
      term: () => this.reply(message, 'term', () => message.term()),
      nak: (delayMs) => this.reply(message, 'nak', () => message.nak(delayMs)),
      working: () => this.reply(message, 'working', () => message.working()),
    };
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

  /** The work consumer of `kind` with this transport's limits. */
  private workConsumerConfig(kind: TaskKind): Partial<ConsumerConfig> {
    return workConsumerConfig(this.names, kind, {
      ackWaitMs: this.ackWaitMs,
      maxDeliver: this.maxDeliver,
    });
  }

  /**
   * Creates the durable consumer unless it exists, never changing one that
   * does. It is looked up first because nats-server 2.9 takes a create of an
   * existing durable as an update. Made by another process between the look
   * and the create, it is refused by later servers (`consumer already
   * exists`) and left as it is. 2.9 has no create-only request: there the
   * create updates it to this config, until a worker of the kind starts
   * again and sets its own (a window of one round trip, when the consumer is
   * first made).
   */
  private async addConsumerIfMissing(
    stream: string,
    config: Partial<ConsumerConfig>,
  ): Promise<void> {
    const durable = config.durable_name!;
    const exists = await this.jsm.consumers.info(stream, durable).then(
      () => true,
      (error: unknown) => {
        if ((error as NatsError).api_error?.err_code === CONSUMER_NOT_FOUND) return false;
        throw error;
      },
    );
    if (exists) return;
    try {
      await this.jsm.consumers.add(stream, config);
    } catch (error) {
      if ((error as NatsError).api_error?.err_code !== CONSUMER_EXISTS) throw error;
    }
  }

  /**
   * Creates the durable consumer, or brings an existing one to this config
   * (a max_ack_pending or ack wait changed since it was made). nats-server
   * 2.9 takes a create of an existing durable as an update; later servers
   * refuse it (`consumer already exists`), so it is then sent as one.
   */
  private async ensureConsumer(stream: string, config: Partial<ConsumerConfig>): Promise<Consumer> {
    const durable = config.durable_name!;
    try {
      await this.jsm.consumers.add(stream, config);
    } catch (error) {
      if ((error as NatsError).api_error?.err_code !== CONSUMER_EXISTS) throw error;
      await this.jsm.consumers.update(stream, durable, config);
    }
    return this.js.consumers.get(stream, durable);
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
