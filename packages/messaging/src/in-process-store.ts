import type { JournalRecord } from './in-process-journal';

/**
 * Where the in-process broker's queues write what happens: the journal when
 * the broker has a `dir`, nowhere otherwise. A failing write throws.
 */
export interface JournalSink {
  append(record: JournalRecord): void;
}

/** The broker's store: a sink, and the place to report what no caller can be told about. */
export interface BrokerStore {
  journal: JournalSink;
  now(): number;
  /** Failures no caller sees (a journal write after the fact, a message given up). */
  onError(context: string, error: unknown): void;
}

/** Settles with a value once, for one waiter on a queue; `cancel` settles it with null. */
export interface Take<T> {
  promise: Promise<T | null>;
  /** Withdraws the waiter; a no-op once it was given something. */
  cancel(): void;
}
