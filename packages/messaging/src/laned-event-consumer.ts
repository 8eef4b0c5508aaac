import { TaskEventSchema, type TaskEvent } from '@mediaflow/contracts';
import { KeyedLanes, type LaneHold } from './keyed-lanes';
import { decodeTaskMessage } from './task-message-codec';
import { Stopping } from './stopping';
import { eventRetryDelayMs } from './task-transport-limits';
import { WorkSlots } from './work-slots';

/** An event in a durable consumer's hands, as either driver gives it. */
export interface HeldEvent {
  readonly subject: string;
  readonly payload: Uint8Array;
  /** Its place in the stream: a redelivery of it has the same. */
  readonly seq: number;
  /** Deliveries of this event to this consumer, this one included. */
  readonly deliveries: number;
  ack(): void;
  /** Again after `delayMs`; after the consumer's last delivery, moved past instead. */
  nak(delayMs: number): void;
  /** Moves past an event that breaks its contract. */
  term(): void;
  /** Resets its ack wait: still in hand, queued behind its task's earlier events. */
  working(): void;
}

/** Where a durable consumer's events come from: a JetStream pull consumer, or the in-process event log. */
export interface EventPuller {
  /**
   * Hands over up to `max` events as they come, in stream order, and
   * resolves with how many once the pull is over (none came in time, or the
   * pull failed and the driver said so); null once the source is closed for good.
   */
  pull(max: number, deliver: (event: HeldEvent) => void): Promise<number | null>;
  /** Ends a pull under way early, where the driver can. */
  interrupt(): void;
}

export interface LanedEventOptions {
  /** Events in hand at once: queued in their task's lane or in a handler. */
  concurrency: number;
  ackWaitMs: number;
  /** The durable consumer's deliveries of one event: a failure on the last one moves past it. */
  maxDeliver: number;
  /** The first wait before a failed event comes again; it doubles each time, up to 30 s. */
  retryDelayMs: number;
  onInvalid?: (subject: string, reason: string) => void;
  onError?: (context: string, error: unknown) => void;
}

/** How many events one pull asks for at most: enough to fill the free slots of a busy consumer. */
const PULL_BATCH = 64;

interface Laned {
  held: HeldEvent;
  event: TaskEvent;
}

/**
 * A durable event consumer, the same for both drivers: it pulls while fewer
 * than `concurrency` events are in hand and hands each to its task's lane
 * ({@link KeyedLanes}), so a task's events run one at a time in the order
 * they came while different tasks' run side by side. An event is acked once
 * its handler resolved; when the handler throws it is given back (nak) for
 * redelivery after the retry delay, and its task's lane waits for it to come
 * again (its later events stay queued, heartbeaten) or for the delay and one
 * more ack wait to pass (it went to another replica). Returns the stop
 * function: it stops pulling, ends the holds, and waits for the lanes to run
 * what they hold, events pulled as it stopped included.
 */
export function consumeEventsInLanes(
  puller: EventPuller,
  handler: (event: TaskEvent) => Promise<void>,
  options: LanedEventOptions,
): () => Promise<void> {
  const slots = new WorkSlots(options.concurrency);
  // Raised once the pulls are over: redelivery waits end, the lanes run what they hold.
  const stopping = new Stopping();
  let pulling = true;

  // Events queued behind their task's earlier ones (a redelivery awaited can take a while):
  // told to the broker as worked on, so that their ack wait does not run out and bring them twice.
  const queued = new Set<HeldEvent>();
  const heartbeat = setInterval(
    () => {
      for (const held of queued) held.working();
    },
    Math.max(100, Math.floor(options.ackWaitMs / 3)),
  );

  const handle = async ({ held, event }: Laned): Promise<LaneHold<Laned> | void> => {
    queued.delete(held);
    try {
      await handler(event);
    } catch (error) {
      const { deliveries } = held;
      const last = deliveries >= options.maxDeliver;
      options.onError?.(
        last
          ? `event handler for ${held.subject} failed ${deliveries} times; giving the event up`
          : `event handler for ${held.subject}`,
        error,
      );
      const delayMs = eventRetryDelayMs(options.retryDelayMs, deliveries);
      held.nak(delayMs);
      slots.release();
      if (last) return;
      return {
        awaits: (next) => next.held.seq === held.seq,
        until: stopping.sleep(delayMs + options.ackWaitMs),
      };
    }
    held.ack();
    slots.release();
  };
  const lanes = new KeyedLanes<Laned>(handle, (error) =>
    options.onError?.('event consumer lane', error),
  );

  const receive = (held: HeldEvent) => {
    const event = decodeTaskMessage(TaskEventSchema, held.payload);
    if (!event.ok) {
      held.term();
      options.onInvalid?.(held.subject, event.reason);
      slots.release();
      return;
    }
    queued.add(held);
    lanes.push(event.value.task_id, { held, event: event.value });
  };

  const loop = (async () => {
    while (pulling) {
      if (!(await slots.acquire())) break;
      let max = 1;
      while (max < PULL_BATCH && slots.tryAcquire()) max++;
      const got = await puller.pull(max, receive);
      for (let unused = got ?? 0; unused < max; unused++) slots.release();
      if (got === null) break;
    }
  })();

  return async () => {
    pulling = false;
    slots.close();
    puller.interrupt();
    await loop;
    stopping.stop();
    await lanes.idle();
    clearInterval(heartbeat);
  };
}
