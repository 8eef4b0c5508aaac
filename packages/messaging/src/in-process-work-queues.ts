import type { JournalRecord } from './in-process-journal';
import type { BrokerStore, Take } from './in-process-store';
import { redeliveryBackoffMs } from './task-stream-config';

/** The limits of the consumer that takes a message, as a JetStream work consumer has them. */
export interface WorkLimits {
  ackWaitMs: number;
  maxDeliver: number;
}

/** A work message in a worker's hands, with what the worker may answer. */
export interface WorkDelivery {
  readonly kind: string;
  readonly subject: string;
  readonly payload: Uint8Array;
  /** Deliveries of this message, this one included. */
  readonly deliveries: number;
  working(): void;
  ack(): void;
  nak(delayMs?: number): void;
  /** Removes a message that breaks its contract, never to be delivered again. */
  term(): void;
  /** Hands back, as if never delivered, a message taken as its consumer was stopping. */
  giveBack(): void;
}

/** Who took a message: told when the broker gives the message up after its last delivery. */
export interface WorkTakerInfo {
  limits: WorkLimits;
  onGivenUp(subject: string, deliveries: number): void;
}

interface StoredWork {
  seq: number;
  kind: string;
  subject: string;
  id: string | null;
  at: number;
  payload: string;
  deliveries: number;
  /** The delivery a worker holds right now, if any. */
  holder?: Holder;
  /** In its kind's ready queue. */
  ready: boolean;
  /** The ack wait of the holder, or the delay of a nak. */
  timer?: NodeJS.Timeout;
}

interface Holder {
  taker: WorkTakerInfo;
  /** Acked, naked, terminated or given back: any further answer is ignored. */
  answered: boolean;
}

interface WorkTaker extends WorkTakerInfo {
  kinds: ReadonlySet<string>;
  resolve(delivery: WorkDelivery | null): void;
}

/**
 * The work queues of the in-process broker: one per kind, shared by every
 * consumer of that kind in the process, with JetStream's work-queue rules. A
 * message stays until a worker acks it; one not acked within the ack wait
 * (reset by `working`) is delivered again, waiting longer each time as the
 * JetStream consumer's backoff does; after `maxDeliver` deliveries it is
 * given up. A dispatch id seen within the duplicate window is dropped.
 */
export class WorkQueues {
  private readonly messages = new Map<number, StoredWork>();
  /** Per kind, the messages ready for a worker, oldest first. */
  private readonly ready = new Map<string, ReadyQueue>();
  /** Consumers waiting for a message, first come first served. */
  private readonly takers: WorkTaker[] = [];
  /** Dispatch ids seen, in the order seen, with when. */
  private readonly seen = new Map<string, number>();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly store: BrokerStore,
    private readonly duplicateWindowMs: number,
  ) {}

  /** Stores a message; false when its id was seen within the duplicate window (it is dropped). */
  publish(subject: string, kind: string, payload: string, id: string | null): boolean {
    this.assertOpen();
    const now = this.store.now();
    this.forgetOldIds(now);
    if (id !== null && this.seen.has(id)) return false;
    const record = { t: 'work', seq: this.seq + 1, subject, id, at: now, payload } as const;
    // Written before it is kept: a dispatch that failed to reach the journal is not acknowledged.
    this.store.journal.append(record);
    this.seq = record.seq;
    this.keep(record, kind);
    return true;
  }

  /** Waits for the oldest ready message of one of these kinds. */
  take(kinds: ReadonlySet<string>, info: WorkTakerInfo): Take<WorkDelivery> {
    let resolve!: (delivery: WorkDelivery | null) => void;
    const promise = new Promise<WorkDelivery | null>((r) => (resolve = r));
    const taker: WorkTaker = { ...info, kinds, resolve };
    if (this.closed) resolve(null);
    else if (!this.serve(taker)) this.takers.push(taker);
    return {
      promise,
      cancel: () => {
        const index = this.takers.indexOf(taker);
        if (index < 0) return;
        this.takers.splice(index, 1);
        resolve(null);
      },
    };
  }

  /** Messages stored and not yet acked, terminated or given up. */
  get size(): number {
    return this.messages.size;
  }

  get duplicateIds(): number {
    return this.seen.size;
  }

  /** Applies one replayed journal record. */
  restore(record: JournalRecord, kindOf: (subject: string) => string | null): void {
    switch (record.t) {
      case 'journal':
        this.seq = Math.max(this.seq, record.workSeq);
        return;
      case 'work': {
        this.seq = Math.max(this.seq, record.seq);
        const kind = kindOf(record.subject);
        if (kind !== null) this.keep({ ...record }, kind, false);
        return;
      }
      case 'delivered': {
        const message = this.messages.get(record.seq);
        if (message) message.deliveries = record.deliveries;
        return;
      }
      case 'done':
        this.drop(record.seq);
        return;
      case 'dedup':
        this.seen.set(record.id, record.at);
        return;
      case 'event':
      case 'durable':
      case 'event-delivered':
      case 'event-done':
        return; // the event log's records
    }
  }

  /** After a replay: every message is ready, whoever held one went down with the process. */
  restored(): void {
    for (const message of this.messages.values()) this.makeReady(message);
  }

  /** What a compacted journal holds for the queues. */
  snapshot(): JournalRecord[] {
    this.forgetOldIds(this.store.now());
    const kept = new Set<string>();
    // The map holds them in the order they were stored.
    const work: JournalRecord[] = [...this.messages.values()].map((m) => {
      if (m.id !== null) kept.add(m.id);
      return {
        t: 'work',
        seq: m.seq,
        subject: m.subject,
        id: m.id,
        at: m.at,
        payload: m.payload,
        deliveries: m.deliveries,
      };
    });
    const ids: JournalRecord[] = [...this.seen]
      .filter(([id]) => !kept.has(id))
      .map(([id, at]) => ({ t: 'dedup', id, at }));
    return [...ids, ...work];
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Stops every timer and sends every waiting consumer away. */
  close(): void {
    this.closed = true;
    for (const message of this.messages.values()) clearTimeout(message.timer);
    for (const taker of this.takers.splice(0)) taker.resolve(null);
  }

  private keep(
    record: {
      seq: number;
      subject: string;
      id: string | null;
      at: number;
      payload: string;
      deliveries?: number;
    },
    kind: string,
    ready = true,
  ): void {
    const message: StoredWork = {
      seq: record.seq,
      kind,
      subject: record.subject,
      id: record.id,
      at: record.at,
      payload: record.payload,
      deliveries: record.deliveries ?? 0,
      ready: false,
    };
    this.messages.set(message.seq, message);
    if (message.id !== null) this.seen.set(message.id, message.at);
    if (ready) this.makeReady(message);
  }

  private makeReady(message: StoredWork): void {
    if (this.closed) return;
    let queue = this.ready.get(message.kind);
    if (!queue) this.ready.set(message.kind, (queue = new ReadyQueue()));
    queue.add(message.seq);
    message.ready = true;
    const index = this.takers.findIndex((taker) => taker.kinds.has(message.kind));
    if (index < 0) return;
    const [taker] = this.takers.splice(index, 1);
    // Nothing served when the message was given up under this taker's limits: it waits on, first in line.
    if (!this.serve(taker!)) this.takers.splice(index, 0, taker!);
  }

  /** Hands the taker the oldest ready message of its kinds; false when there is none. */
  private serve(taker: WorkTaker): boolean {
    for (;;) {
      let oldest: StoredWork | undefined;
      for (const kind of taker.kinds) {
        const seq = this.ready.get(kind)?.first;
        const message = seq === undefined ? undefined : this.messages.get(seq);
        if (message && (!oldest || message.seq < oldest.seq)) oldest = message;
      }
      if (!oldest) return false;
      this.ready.get(oldest.kind)!.takeFirst();
      oldest.ready = false;
      // Delivered as often as this consumer allows already (before a restart, say): JetStream skips it for good.
      if (oldest.deliveries >= taker.limits.maxDeliver) {
        this.giveUp(oldest, taker);
        continue;
      }
      taker.resolve(this.deliver(oldest, taker));
      return true;
    }
  }

  private deliver(message: StoredWork, taker: WorkTakerInfo): WorkDelivery {
    message.deliveries++;
    this.record({ t: 'delivered', seq: message.seq, deliveries: message.deliveries });
    const holder: Holder = { taker, answered: false };
    message.holder = holder;
    this.startAckWait(message, holder);
    const holds = () => message.holder === holder && this.messages.get(message.seq) === message;
    const answer = (then: () => void) => () => {
      if (holder.answered) return;
      holder.answered = true;
      then();
    };
    const remove = () => {
      // A late ack, from a worker whose ack wait ran out, still removes the message, as on JetStream.
      if (this.messages.get(message.seq) === message) this.remove(message);
    };
    return {
      kind: message.kind,
      subject: message.subject,
      payload: Buffer.from(message.payload, 'utf8'),
      deliveries: message.deliveries,
      working: () => {
        if (!holder.answered && holds()) this.startAckWait(message, holder);
      },
      ack: answer(remove),
      term: answer(remove),
      nak: (delayMs = 0) =>
        answer(() => {
          if (holds()) this.release(message, holder, delayMs);
        })(),
      giveBack: answer(() => {
        if (!holds()) return;
        clearTimeout(message.timer);
        message.holder = undefined;
        message.deliveries--;
        this.record({ t: 'delivered', seq: message.seq, deliveries: message.deliveries });
        this.makeReady(message);
      }),
    };
  }

  /**
   * The ack wait of this delivery: the JetStream consumer's backoff step for
   * it (the ack wait the first time, then twice as long each time).
   */
  private startAckWait(message: StoredWork, holder: Holder): void {
    clearTimeout(message.timer);
    if (this.closed) return;
    const { ackWaitMs, maxDeliver } = holder.taker.limits;
    const backoff = redeliveryBackoffMs(ackWaitMs, maxDeliver);
    const wait = backoff[Math.min(message.deliveries, backoff.length) - 1] ?? ackWaitMs;
    message.timer = setTimeout(() => this.release(message, holder, 0), wait);
  }

  /** The holder let go (a nak, or its ack wait ran out): again later, or never after the last delivery. */
  private release(message: StoredWork, holder: Holder, delayMs: number): void {
    clearTimeout(message.timer);
    message.timer = undefined;
    message.holder = undefined;
    if (message.deliveries >= holder.taker.limits.maxDeliver) {
      this.giveUp(message, holder.taker);
    } else if (delayMs > 0 && !this.closed) {
      message.timer = setTimeout(() => {
        message.timer = undefined;
        this.makeReady(message);
      }, delayMs);
    } else {
      this.makeReady(message);
    }
  }

  private giveUp(message: StoredWork, taker: WorkTakerInfo): void {
    this.remove(message);
    try {
      taker.onGivenUp(message.subject, message.deliveries);
    } catch (error) {
      // Called inside another message's dispatch or ack: its failure must not become theirs.
      this.store.onError('reporting work given up', error);
    }
  }

  private remove(message: StoredWork): void {
    this.drop(message.seq);
    this.record({ t: 'done', seq: message.seq });
  }

  private drop(seq: number): void {
    const message = this.messages.get(seq);
    if (!message) return;
    clearTimeout(message.timer);
    message.holder = undefined;
    this.messages.delete(seq);
    // Ready and removed: only a late ack of a message whose ack wait ran out, before anyone took it.
    if (message.ready) this.ready.get(message.kind)?.remove(seq);
  }

  /**
   * Journal records that follow a publish. A failure to write one is
   * reported, not thrown: the state in memory is right, and what a restart
   * would get wrong is only a message delivered once more.
   */
  private record(record: JournalRecord): void {
    if (this.closed) return;
    try {
      this.store.journal.append(record);
    } catch (error) {
      this.store.onError('writing the work journal', error);
    }
  }

  /** Ids come in the order they were seen, so the expired ones are at the front. */
  private forgetOldIds(now: number): void {
    for (const [id, at] of this.seen) {
      if (at > now - this.duplicateWindowMs) break;
      this.seen.delete(id);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The in-process broker is closed');
  }
}

/**
 * Sequence numbers in order, taken from the front. New messages come in
 * order, so adding is mostly a push; a redelivery, older than what is
 * queued, goes in its place, so that it is handed out first as JetStream
 * does. Taken ones are skipped by an index and cut off now and then, so a
 * long queue drains in linear time.
 */
class ReadyQueue {
  private seqs: number[] = [];
  private head = 0;

  get first(): number | undefined {
    return this.seqs[this.head];
  }

  add(seq: number): void {
    const last = this.seqs[this.seqs.length - 1];
    if (last === undefined || this.head === this.seqs.length || last < seq) {
      this.seqs.push(seq);
      return;
    }
    let low = this.head;
    let high = this.seqs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.seqs[middle]! < seq) low = middle + 1;
      else high = middle;
    }
    this.seqs.splice(low, 0, seq);
  }

  takeFirst(): void {
    this.head++;
    if (this.head === this.seqs.length) {
      this.seqs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }

  remove(seq: number): void {
    const index = this.seqs.indexOf(seq, this.head);
    if (index >= 0) this.seqs.splice(index, 1);
  }
}
