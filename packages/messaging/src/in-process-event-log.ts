import { Broadcast } from './in-process-broadcast';
import type { JournalRecord } from './in-process-journal';
import type { HeldEvent } from './laned-event-consumer';
import type { BrokerStore, Take } from './in-process-store';

export interface StoredEvent {
  seq: number;
  subject: string;
  at: number;
  payload: string;
}

/** The limits of a durable event consumer, as JetStream's has them. */
export interface EventLimits {
  ackWaitMs: number;
  maxDeliver: number;
  /** Events delivered and not acked yet, at most (max_ack_pending); a redelivery is not held back by it. */
  maxPending: number;
}

/** An event in a durable consumer's hands, with its sequence number in the log. */
export type EventDelivery = HeldEvent;

interface EventTaker {
  limits: EventLimits;
  resolve(delivery: EventDelivery | null): void;
}

/** A handler holding a delivered event, until it answers or its ack wait runs out. */
interface Holder {
  limits: EventLimits;
  answered: boolean;
}

/** A delivered event not acked yet: in a handler's hands, waiting for its redelivery, or due again. */
interface Pending {
  deliveries: number;
  holder?: Holder;
  /** The holder's ack wait, or the wait before the redelivery a nak asked for. */
  timer?: NodeJS.Timeout;
}

interface Durable {
  name: string;
  /** Every event up to this sequence number is behind the consumer. */
  passed: number;
  /** The last event delivered for the first time; those after `passed` up to it are pending or done. */
  delivered: number;
  /** By sequence number, in ascending order (entries are added as `delivered` grows, never re-added). */
  pending: Map<number, Pending>;
  /** Pending events due again (a nak's delay over, an ack wait run out, a restart), lowest first. */
  due: number[];
  /** The last taker's max_ack_pending, as the latest JetStream consumer config holds. */
  maxPending: number;
  takers: EventTaker[];
}

/**
 * The event stream of the in-process broker. Durable consumers read every
 * event in order, each from where it was, with up to `maxPending` events
 * delivered and not acked at once (JetStream's max_ack_pending; a redelivery
 * is not held back by it), acked in any order; followers get events as they
 * are published. An event is kept until every durable consumer is past it,
 * and at most `maxAgeMs` (a day, as the JetStream stream keeps them); with
 * no durable consumer yet, for that day, so that the first one still reads
 * from the start.
 */
export class EventLog {
  /** Kept events from `head` on, oldest first, numbered without gaps; those before `head` are dropped. */
  private events: StoredEvent[] = [];
  private head = 0;
  private readonly durables = new Map<string, Durable>();
  private readonly followers = new Broadcast<StoredEvent>();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly store: BrokerStore,
    private readonly maxAgeMs: number,
  ) {}

  publish(subject: string, payload: string): void {
    if (this.closed) throw new Error('The in-process broker is closed');
    const event: StoredEvent = { seq: this.seq + 1, subject, at: this.store.now(), payload };
    // Written before it is kept: publishEvent resolves only once the event is in the journal.
    this.store.journal.append({ t: 'event', ...event });
    this.seq = event.seq;
    this.events.push(event);
    this.forgetBehind();
    for (const durable of this.durables.values()) this.deliverNext(durable);
    this.followers.publish(event);
  }

  /** Events from now on, as they are published, until the returned function is called. */
  follow(follower: (event: StoredEvent) => void): () => void {
    return this.followers.listen(follower);
  }

  /** Waits for the next event of the durable consumer `name`, which is made (from the start) the first time. */
  take(name: string, limits: EventLimits): Take<EventDelivery> {
    let resolve!: (delivery: EventDelivery | null) => void;
    const promise = new Promise<EventDelivery | null>((r) => (resolve = r));
    const taker: EventTaker = { limits, resolve };
    if (this.closed) {
      resolve(null);
      return { promise, cancel: () => undefined };
    }
    const durable = this.durable(name);
    durable.maxPending = limits.maxPending;
    durable.takers.push(taker);
    this.deliverNext(durable);
    return {
      promise,
      cancel: () => {
        const index = durable.takers.indexOf(taker);
        if (index < 0) return;
        durable.takers.splice(index, 1);
        resolve(null);
      },
    };
  }

  get size(): number {
    return this.events.length - this.head;
  }

  get durableCount(): number {
    return this.durables.size;
  }

  get lastSeq(): number {
    return this.seq;
  }

  restore(record: JournalRecord): void {
    switch (record.t) {
      case 'journal':
        this.seq = Math.max(this.seq, record.eventSeq);
        return;
      case 'event':
        this.seq = Math.max(this.seq, record.seq);
        this.events.push({
          seq: record.seq,
          subject: record.subject,
          at: record.at,
          payload: record.payload,
        });
        return;
      case 'durable': {
        const durable = this.durable(record.name, false);
        // Format 1 held at most one pending event, as `seq` and `deliveries`.
        const pending =
          record.pending ??
          (record.seq === undefined ? [] : [[record.seq, record.deliveries ?? 0] as const]);
        durable.pending = new Map(
          [...pending]
            .sort(([a], [b]) => a - b)
            .map(([seq, deliveries]): [number, Pending] => [seq, { deliveries }]),
        );
        durable.delivered = Math.max(
          record.passed,
          record.delivered ?? 0,
          ...durable.pending.keys(),
        );
        this.advance(durable, record.passed);
        return;
      }
      case 'event-delivered': {
        const durable = this.durable(record.name, false);
        const pending = durable.pending.get(record.seq);
        if (pending) pending.deliveries = record.deliveries;
        else if (record.seq > durable.delivered) {
          durable.pending.set(record.seq, { deliveries: record.deliveries });
          durable.delivered = record.seq;
        }
        return;
      }
      case 'event-done': {
        const durable = this.durable(record.name, false);
        durable.pending.delete(record.seq);
        this.advance(durable);
        return;
      }
      case 'work':
      case 'delivered':
      case 'done':
      case 'dedup':
        return; // the work queues' records
    }
  }

  /** After a replay: what was in a handler's hands went down with the process, and is due again. */
  restored(): void {
    for (const durable of this.durables.values()) durable.due = [...durable.pending.keys()];
    this.forgetBehind();
  }

  snapshot(): JournalRecord[] {
    this.forgetBehind();
    return [
      ...this.events.slice(this.head).map((e): JournalRecord => ({ t: 'event', ...e })),
      ...[...this.durables.values()].map((d) => this.durableRecord(d)),
    ];
  }

  close(): void {
    this.closed = true;
    this.followers.clear();
    for (const durable of this.durables.values()) {
      for (const pending of durable.pending.values()) clearTimeout(pending.timer);
      for (const taker of durable.takers.splice(0)) taker.resolve(null);
    }
  }

  private durable(name: string, record = true): Durable {
    let durable = this.durables.get(name);
    if (!durable) {
      durable = {
        name,
        passed: 0,
        delivered: 0,
        pending: new Map(),
        due: [],
        maxPending: 1,
        takers: [],
      };
      this.durables.set(name, durable);
      // Known after a restart too: events it has not read are kept for it.
      if (record) this.record(this.durableRecord(durable));
    }
    return durable;
  }

  /** The kept event `seq`, if it is still kept. */
  private event(seq: number): StoredEvent | undefined {
    const first = this.events[this.head];
    if (!first || seq < first.seq) return undefined;
    return this.events[this.head + (seq - first.seq)];
  }

  /** Hands events to waiting takers: those due again first, then new ones while fewer than maxPending are pending. */
  private deliverNext(durable: Durable): void {
    while (!this.closed && durable.takers.length > 0) {
      const next = this.nextDue(durable) ?? this.nextNew(durable);
      if (!next) return;
      this.deliver(durable, next.event, next.pending, durable.takers.shift()!);
    }
  }

  private nextDue(durable: Durable): { event: StoredEvent; pending: Pending } | undefined {
    for (let seq = durable.due.shift(); seq !== undefined; seq = durable.due.shift()) {
      const pending = durable.pending.get(seq);
      if (!pending || pending.holder) continue;
      const event = this.event(seq);
      // Too old, and dropped meanwhile: nothing left to deliver.
      if (!event) this.finish(durable, seq);
      else return { event, pending };
    }
    return undefined;
  }

  private nextNew(durable: Durable): { event: StoredEvent; pending: Pending } | undefined {
    if (durable.pending.size >= durable.maxPending) return undefined;
    const first = this.events[this.head];
    if (!first) return undefined;
    const event = this.event(Math.max(durable.delivered + 1, first.seq));
    if (!event) return undefined;
    const pending: Pending = { deliveries: 0 };
    durable.pending.set(event.seq, pending);
    durable.delivered = event.seq;
    return { event, pending };
  }

  private deliver(durable: Durable, event: StoredEvent, pending: Pending, taker: EventTaker): void {
    const { seq } = event;
    pending.deliveries++;
    const holder: Holder = { limits: taker.limits, answered: false };
    pending.holder = holder;
    this.record({ t: 'event-delivered', name: durable.name, seq, deliveries: pending.deliveries });
    const expire = () =>
      setTimeout(() => this.giveBack(durable, seq, holder, 0), taker.limits.ackWaitMs);
    pending.timer = expire();
    const answer = (then: () => void) => () => {
      if (holder.answered) return;
      holder.answered = true;
      then();
    };
    // A late ack, from a handler whose ack wait ran out, still moves the consumer past the event, as on JetStream.
    const done = answer(() => this.finish(durable, seq));
    taker.resolve({
      subject: event.subject,
      payload: Buffer.from(event.payload, 'utf8'),
      seq,
      deliveries: pending.deliveries,
      ack: done,
      term: done,
      nak: (delayMs) => answer(() => this.giveBack(durable, seq, holder, delayMs))(),
      working: () => {
        if (holder.answered || pending.holder !== holder) return;
        clearTimeout(pending.timer);
        pending.timer = expire();
      },
    });
  }

  /** The holder let go (a nak, or its ack wait ran out): the same event again later, or past it after the last delivery. */
  private giveBack(durable: Durable, seq: number, holder: Holder, delayMs: number): void {
    const pending = durable.pending.get(seq);
    if (!pending || pending.holder !== holder) return;
    clearTimeout(pending.timer);
    pending.timer = undefined;
    pending.holder = undefined;
    if (pending.deliveries >= holder.limits.maxDeliver) {
      this.finish(durable, seq);
    } else if (delayMs > 0 && !this.closed) {
      pending.timer = setTimeout(() => {
        pending.timer = undefined;
        this.makeDue(durable, seq);
      }, delayMs);
    } else {
      this.makeDue(durable, seq);
    }
  }

  private makeDue(durable: Durable, seq: number): void {
    const at = durable.due.findIndex((due) => due > seq);
    durable.due.splice(at < 0 ? durable.due.length : at, 0, seq);
    this.deliverNext(durable);
  }

  /** Done with the event (acked, terminated, given up): the consumer moves past it once everything before it is done too. */
  private finish(durable: Durable, seq: number): void {
    const pending = durable.pending.get(seq);
    if (!pending) return;
    clearTimeout(pending.timer);
    durable.pending.delete(seq);
    this.record({ t: 'event-done', name: durable.name, seq });
    if (this.advance(durable)) this.forgetBehind();
    this.deliverNext(durable);
  }

  /** Moves `passed` up to just before the lowest pending event (or to `delivered`); whether it moved. */
  private advance(durable: Durable, floor = durable.passed): boolean {
    const lowest = durable.pending.keys().next();
    const passed = Math.max(floor, lowest.done ? durable.delivered : lowest.value - 1);
    const moved = passed !== durable.passed;
    durable.passed = passed;
    return moved;
  }

  /** Drops, from the front, events every durable consumer is past and events older than the max age. */
  private forgetBehind(): void {
    const oldest = this.store.now() - this.maxAgeMs;
    const behind =
      this.durables.size === 0 ? 0 : Math.min(...[...this.durables.values()].map((d) => d.passed));
    while (
      this.head < this.events.length &&
      (this.events[this.head]!.seq <= behind || this.events[this.head]!.at < oldest)
    ) {
      this.head++;
    }
    // Cut off now and then, so that a consumer catching up on a long backlog does so in linear time.
    if (
      this.head === this.events.length ||
      (this.head > 1024 && this.head * 2 > this.events.length)
    ) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  private durableRecord(durable: Durable): JournalRecord {
    const pending = [...durable.pending].map(([seq, p]): [number, number] => [seq, p.deliveries]);
    return {
      t: 'durable',
      name: durable.name,
      passed: durable.passed,
      ...(durable.delivered > durable.passed ? { delivered: durable.delivered } : {}),
      ...(pending.length > 0 ? { pending } : {}),
    };
  }

  /** As for work: a failed write after the fact is reported; a restart would deliver an event once more. */
  private record(record: JournalRecord): void {
    if (this.closed) return;
    try {
      this.store.journal.append(record);
    } catch (error) {
      this.store.onError('writing the event journal', error);
    }
  }
}
