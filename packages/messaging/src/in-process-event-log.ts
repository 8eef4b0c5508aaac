import { Broadcast } from './in-process-broadcast';
import type { JournalRecord } from './in-process-journal';
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
}

/** An event in a durable consumer's hands. */
export interface EventDelivery {
  readonly subject: string;
  readonly payload: Uint8Array;
  /** Deliveries of this event to this consumer, this one included. */
  readonly deliveries: number;
  ack(): void;
  /** Again after `delayMs`; after the consumer's last delivery, moved past instead. */
  nak(delayMs: number): void;
  /** Moves past an event that breaks its contract. */
  term(): void;
}

interface EventTaker {
  limits: EventLimits;
  resolve(delivery: EventDelivery | null): void;
}

interface Durable {
  name: string;
  /** Every event up to this sequence number is behind the consumer. */
  passed: number;
  /** The event after `passed`, once delivered: how many times it was. */
  pending?: { seq: number; deliveries: number };
  /** Set while the pending event is in a handler's hands; one at a time, as max_ack_pending 1. */
  holder?: { limits: EventLimits; answered: boolean };
  /** The ack wait of the holder, or the wait before a retry. */
  timer?: NodeJS.Timeout;
  waiting: boolean;
  takers: EventTaker[];
}

/**
 * The event stream of the in-process broker. Durable consumers read every
 * event in order, one at a time, each from where it was; followers get
 * events as they are published. An event is kept until every durable
 * consumer is past it, and at most `maxAgeMs` (a day, as the JetStream
 * stream keeps them); with no durable consumer yet, for that day, so that
 * the first one still reads from the start.
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
        durable.passed = record.passed;
        durable.pending =
          record.seq === undefined
            ? undefined
            : { seq: record.seq, deliveries: record.deliveries ?? 0 };
        return;
      }
      case 'work':
      case 'delivered':
      case 'done':
      case 'dedup':
        return; // the work queues' records
    }
  }

  /** After a replay: drops what every consumer is past, or is too old. */
  restored(): void {
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
      clearTimeout(durable.timer);
      for (const taker of durable.takers.splice(0)) taker.resolve(null);
    }
  }

  private durable(name: string, record = true): Durable {
    let durable = this.durables.get(name);
    if (!durable) {
      durable = { name, passed: 0, waiting: false, takers: [] };
      this.durables.set(name, durable);
      // Known after a restart too: events it has not read are kept for it.
      if (record) this.record(this.durableRecord(durable));
    }
    return durable;
  }

  private next(durable: Durable): StoredEvent | undefined {
    const first = this.events[this.head];
    if (!first) return undefined;
    return this.events[this.head + Math.max(0, durable.passed + 1 - first.seq)];
  }

  private deliverNext(durable: Durable): void {
    if (this.closed || durable.holder || durable.waiting || durable.takers.length === 0) return;
    const event = this.next(durable);
    if (!event) return;
    const taker = durable.takers.shift()!;
    const deliveries = durable.pending?.seq === event.seq ? durable.pending.deliveries + 1 : 1;
    durable.pending = { seq: event.seq, deliveries };
    const holder = { limits: taker.limits, answered: false };
    durable.holder = holder;
    this.record(this.durableRecord(durable));
    durable.timer = setTimeout(() => this.release(durable, holder, 0), taker.limits.ackWaitMs);
    const answer = (then: () => void) => () => {
      if (holder.answered) return;
      holder.answered = true;
      then();
    };
    // A late ack, from a handler whose ack wait ran out, still moves the consumer past the event, as on JetStream.
    const pass = () => {
      if (durable.passed < event.seq) this.pass(durable, event.seq);
    };
    taker.resolve({
      subject: event.subject,
      payload: Buffer.from(event.payload, 'utf8'),
      deliveries,
      ack: answer(pass),
      term: answer(pass),
      nak: (delayMs) =>
        answer(() => {
          if (durable.holder === holder) this.release(durable, holder, delayMs);
        })(),
    });
  }

  /** The handler let go (a nak, or its ack wait ran out): the same event again later, or past it after the last delivery. */
  private release(durable: Durable, holder: NonNullable<Durable['holder']>, delayMs: number): void {
    clearTimeout(durable.timer);
    durable.timer = undefined;
    durable.holder = undefined;
    if (durable.pending && durable.pending.deliveries >= holder.limits.maxDeliver) {
      this.pass(durable, durable.pending.seq);
    } else if (delayMs > 0 && !this.closed) {
      durable.waiting = true;
      durable.timer = setTimeout(() => {
        durable.timer = undefined;
        durable.waiting = false;
        this.deliverNext(durable);
      }, delayMs);
    } else {
      this.deliverNext(durable);
    }
  }

  private pass(durable: Durable, seq: number): void {
    clearTimeout(durable.timer);
    durable.timer = undefined;
    durable.holder = undefined;
    durable.waiting = false;
    durable.passed = seq;
    durable.pending = undefined;
    this.record(this.durableRecord(durable));
    this.forgetBehind();
    this.deliverNext(durable);
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
    return durable.pending
      ? {
          t: 'durable',
          name: durable.name,
          passed: durable.passed,
          seq: durable.pending.seq,
          deliveries: durable.pending.deliveries,
        }
      : { t: 'durable', name: durable.name, passed: durable.passed };
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
