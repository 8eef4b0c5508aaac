import { resolve } from 'node:path';
import { Broadcast } from './in-process-broadcast';
import { EventLog } from './in-process-event-log';
import { JOURNAL_VERSION, Journal, type JournalRecord } from './in-process-journal';
import { InProcessMessageBus, type InProcessMessageBusOptions } from './in-process-message-bus';
import { RpcRouter } from './in-process-rpc-router';
import type { BrokerStore } from './in-process-store';
import {
  InProcessTaskTransport,
  type InProcessTaskTransportOptions,
} from './in-process-task-transport';
import { WorkQueues } from './in-process-work-queues';
import { DUPLICATE_WINDOW_MS, EVENT_MAX_AGE_MS } from './task-stream-config';
import { taskTransportNames } from './task-transport-names';

export interface InProcessBrokerOptions {
  /**
   * Where the journal (`journal.jsonl`) is kept, so that work queues, events
   * and durable consumers' positions outlive a restart. Without it, memory only.
   */
  dir?: string;
  /** Told about failures no caller sees: a journal write after the fact, a compaction that failed. */
  onError?: (context: string, error: unknown) => void;
  /** How long a dispatch's id is remembered to drop a second publish of it. Default JetStream's (2 min). */
  duplicateWindowMs?: number;
  /** How long an event is kept for a durable consumer that has not read it. Default JetStream's (a day). */
  eventMaxAgeMs?: number;
  /**
   * Records appended after which the journal is compacted while running (when
   * they are also at least twice what it keeps). Default 10 000.
   */
  compactAfterRecords?: number;
}

export interface InProcessBrokerStats {
  /** Work messages stored: not yet acked, terminated or given up. */
  work: number;
  /** Events kept for durable consumers. */
  events: number;
  durableConsumers: number;
  /** Dispatch ids remembered for the duplicate window. */
  duplicateIds: number;
}

const DEFAULT_COMPACT_AFTER_RECORDS = 10_000;

/** Journals open in this process: two brokers on one journal would each overwrite the other's records. */
const openDirs = new Set<string>();

/**
 * The message broker of the all-in-one mode: every service in one Node
 * process talks through one of these instead of NATS. Each service gets its
 * own views, `messageBus()` and `taskTransport()`, which behave as the NATS
 * bus and the JetStream transport do (the contract suites under `testing/`
 * run against both). Closing a view stops that service's subscriptions and
 * consumers; `close()` stops them all.
 *
 * With `dir`, everything JetStream would keep on disk (work, events, durable
 * consumers' positions) goes to an append-only journal there, replayed and
 * compacted on open. One process only: nothing but this process may use the
 * directory while it is open.
 */
export class InProcessBroker {
  private readonly router = new RpcRouter();
  private readonly cancels = new Broadcast<Uint8Array>();
  private readonly changes = new Broadcast<Uint8Array>();
  private readonly work: WorkQueues;
  private readonly events: EventLog;
  private readonly views = new Set<{ close(): Promise<void> }>();
  private journal?: Journal;
  private dir?: string;
  /** Journal records appended since the last compaction. */
  private appended = 0;
  private compaction?: NodeJS.Immediate;
  private closing?: Promise<void>;
  private closed = false;

  private constructor(private readonly options: InProcessBrokerOptions) {
    const store: BrokerStore = {
      journal: { append: (record) => this.append(record) },
      now: () => Date.now(),
      onError: (context, error) => this.options.onError?.(context, error),
    };
    this.work = new WorkQueues(store, options.duplicateWindowMs ?? DUPLICATE_WINDOW_MS);
    this.events = new EventLog(store, options.eventMaxAgeMs ?? EVENT_MAX_AGE_MS);
  }

  /** Opens the broker; with `dir`, replays its journal and compacts it. */
  static async open(options: InProcessBrokerOptions = {}): Promise<InProcessBroker> {
    const broker = new InProcessBroker(options);
    if (options.dir !== undefined) {
      const dir = resolve(options.dir);
      if (openDirs.has(dir))
        throw new Error(`An in-process broker already has ${dir} open in this process`);
      const journal = Journal.open(dir);
      try {
        broker.replay(journal.replayed);
        // Compacted before anything is appended: that also drops a torn last line for good.
        journal.rewrite(broker.snapshot());
        broker.journal = journal;
      } catch (error) {
        journal.close();
        throw error;
      }
      broker.dir = dir;
      openDirs.add(dir);
    }
    return broker;
  }

  /** A service's request/reply, as the NATS bus gives it. */
  messageBus(options: InProcessMessageBusOptions): InProcessMessageBus {
    this.assertOpen();
    const bus: InProcessMessageBus = new InProcessMessageBus(this.router, options, () =>
      this.views.delete(bus),
    );
    this.views.add(bus);
    return bus;
  }

  /** A service's work queues, events and cancellations, as the JetStream transport gives them. */
  taskTransport(options: InProcessTaskTransportOptions): InProcessTaskTransport {
    this.assertOpen();
    const transport: InProcessTaskTransport = new InProcessTaskTransport(
      { work: this.work, events: this.events, cancels: this.cancels, changes: this.changes },
      options,
      () => this.views.delete(transport),
    );
    this.views.add(transport);
    return transport;
  }

  /**
   * Stores bytes on a task subject (`tasks.run.<kind>`, `tasks.events.<kind>`,
   * `tasks.cancel`, `tasks.changed`) as they are, unchecked, as a raw publish to NATS would:
   * for tests and tools that need a message that breaks its contract.
   */
  publishRaw(subject: string, payload: Uint8Array): void {
    this.assertOpen();
    const text = Buffer.from(payload).toString('utf8');
    const kind = kindOf(subject);
    if (subject === NAMES.cancelSubject) this.cancels.publish(Buffer.from(payload));
    else if (subject === NAMES.changesSubject) this.changes.publish(Buffer.from(payload));
    else if (kind !== null) this.work.publish(subject, kind, text, null);
    else if (tokenAfter(stem(NAMES.eventSubjects), subject) !== null)
      this.events.publish(subject, text);
    else throw new Error(`${subject} is not a task subject`);
  }

  stats(): InProcessBrokerStats {
    return {
      work: this.work.size,
      events: this.events.size,
      durableConsumers: this.events.durableCount,
      duplicateIds: this.work.duplicateIds,
    };
  }

  /** Closes every view (waiting for their handlers), then the queues and the journal. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.closed = true;
      await Promise.all([...this.views].map((view) => view.close()));
      if (this.compaction) clearImmediate(this.compaction);
      this.work.close();
      this.events.close();
      this.cancels.clear();
      this.changes.clear();
      this.journal?.close();
      this.journal = undefined;
      if (this.dir) openDirs.delete(this.dir);
    })());
  }

  private replay(records: readonly JournalRecord[]): void {
    for (const record of records) {
      this.work.restore(record, kindOf);
      this.events.restore(record);
    }
    this.work.restored();
    this.events.restored();
  }

  private append(record: JournalRecord): void {
    if (!this.journal) return;
    this.journal.append(record);
    this.appended++;
    if (
      this.appended >= (this.options.compactAfterRecords ?? DEFAULT_COMPACT_AFTER_RECORDS) &&
      !this.compaction
    ) {
      // On a later turn: the record is appended before the state it describes changes.
      this.compaction = setImmediate(() => {
        this.compaction = undefined;
        const kept =
          this.work.size + this.work.duplicateIds + this.events.size + this.events.durableCount;
        if (this.appended >= 2 * kept) this.compact();
      });
    }
  }

  /** Rewrites the journal as what is kept now; a failure leaves the longer journal, which replays the same. */
  private compact(): void {
    if (!this.journal) return;
    try {
      this.journal.rewrite(this.snapshot());
      this.appended = 0;
    } catch (error) {
      this.options.onError?.('compacting the journal', error);
    }
  }

  /** What a compacted journal holds. */
  private snapshot(): JournalRecord[] {
    return [
      {
        t: 'journal',
        v: JOURNAL_VERSION,
        workSeq: this.work.lastSeq,
        eventSeq: this.events.lastSeq,
      },
      ...this.work.snapshot(),
      ...this.events.snapshot(),
    ];
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The in-process broker is closed');
  }
}

const NAMES = taskTransportNames();

/** `tasks.run.<kind>` → the kind; anything else → null. */
function kindOf(subject: string): string | null {
  return tokenAfter(stem(NAMES.workSubjects), subject);
}

/** `tasks.run.>` → `tasks.run.` */
function stem(wildcard: string): string {
  return wildcard.slice(0, -1);
}

/** The one subject token after `prefix`, or null. */
function tokenAfter(prefix: string, subject: string): string | null {
  if (!subject.startsWith(prefix)) return null;
  const token = subject.slice(prefix.length);
  return /^[^.*>\s]+$/.test(token) ? token : null;
}
