/**
 * What a lane waits for before it goes on: an item of its own handed back
 * for redelivery, which, when it comes again, runs ahead of what queued
 * behind it meanwhile.
 */
export interface LaneHold<T> {
  /** Whether `item` is the one awaited. */
  awaits(item: T): boolean;
  /** Settles when the lane stops waiting whether or not the item came (it went elsewhere, the consumer stops). */
  until: Promise<void>;
}

interface Lane<T> {
  queue: T[];
  hold?: LaneHold<T>;
  /** Ends the wait of a hold: the awaited item came. */
  arrived?: () => void;
}

/**
 * Items run one at a time per key, in the order they were pushed, and
 * concurrently across keys: the events of one task in order, those of
 * different tasks side by side. How many items are held at once is the
 * caller's to bound (the consumer takes no more than its concurrency).
 *
 * `run` may answer a {@link LaneHold}: its item was given back (a handler
 * threw) and the lane waits for it to come again before it runs anything
 * else, so that the key's items still run in order. `run` answers for its
 * item's outcome itself; should it throw all the same, `onError` is told and
 * the lane goes on.
 */
export class KeyedLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly run: (item: T) => Promise<LaneHold<T> | void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(key: string, item: T): void {
    const lane = this.lanes.get(key);
    if (!lane) {
      const created: Lane<T> = { queue: [item] };
      this.lanes.set(key, created);
      const draining = this.drain(key, created).finally(() => this.running.delete(draining));
      this.running.add(draining);
      return;
    }
    if (lane.hold?.awaits(item)) {
      lane.queue.unshift(item);
      lane.arrived?.();
    } else {
      lane.queue.push(item);
    }
  }

  /** Keys with items queued or running. */
  get size(): number {
    return this.lanes.size;
  }

  /** Resolves once every lane has run what it was given (holds end as their `until` settles). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async drain(key: string, lane: Lane<T>): Promise<void> {
    try {
      for (let item = lane.queue.shift(); item !== undefined; item = lane.queue.shift()) {
        const hold = await this.run(item).catch((error: unknown) => {
          this.onError(error);
          return undefined;
        });
        if (hold) await this.wait(lane, hold);
      }
    } finally {
      this.lanes.delete(key);
    }
  }

  private async wait(lane: Lane<T>, hold: LaneHold<T>): Promise<void> {
    // Already here (given back and delivered again while `run` was finishing): to the front, no wait.
    const index = lane.queue.findIndex((queued) => hold.awaits(queued));
    if (index >= 0) {
      lane.queue.unshift(...lane.queue.splice(index, 1));
      return;
    }
    lane.hold = hold;
    try {
      await Promise.race([hold.until, new Promise<void>((resolve) => (lane.arrived = resolve))]);
    } finally {
      lane.hold = undefined;
      lane.arrived = undefined;
    }
  }
}
