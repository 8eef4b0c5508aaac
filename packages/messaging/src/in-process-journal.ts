import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The journal's format; a journal written by a later format is refused rather than misread. */
export const JOURNAL_VERSION = 2;

/**
 * One line of the in-process broker's journal. A compacted journal is a
 * `journal` header followed by one record per thing still kept; between
 * compactions, records are appended as things happen, and replaying them in
 * order gives back the same state.
 */
export const JournalRecordSchema = z.discriminatedUnion('t', [
  /** The first line of a compacted journal: the last sequence numbers handed out. */
  z.object({
    t: z.literal('journal'),
    v: z.number().int(),
    workSeq: z.number().int(),
    eventSeq: z.number().int(),
  }),
  /** A work message stored on `subject`; `id` is its dispatch's message id, for the duplicate window. */
  z.object({
    t: z.literal('work'),
    seq: z.number().int(),
    subject: z.string(),
    id: z.string().nullable(),
    at: z.number(),
    payload: z.string(),
    deliveries: z.number().int().optional(),
  }),
  /** A work message handed to a worker: its deliveries so far, this one included. */
  z.object({ t: z.literal('delivered'), seq: z.number().int(), deliveries: z.number().int() }),
  /** A work message gone: acked, terminated as invalid, or given up after its last delivery. */
  z.object({ t: z.literal('done'), seq: z.number().int() }),
  /** A dispatch id still inside the duplicate window whose message is gone (compacted journals only). */
  z.object({ t: z.literal('dedup'), id: z.string(), at: z.number() }),
  z.object({
    t: z.literal('event'),
    seq: z.number().int(),
    subject: z.string(),
    at: z.number(),
    payload: z.string(),
  }),
  /**
   * A durable event consumer (as made, and in compacted journals): every
   * event up to `passed` is behind it; of those after it, up to `delivered`,
   * the ones in `pending` ([seq, deliveries]) were delivered that many times
   * and not acked yet, the others are done. The last record of a name, with
   * the `event-delivered` and `event-done` records after it, is its state.
   * (Format 1 wrote at most one pending event, as `seq` and `deliveries`.)
   */
  z.object({
    t: z.literal('durable'),
    name: z.string(),
    passed: z.number().int(),
    delivered: z.number().int().optional(),
    pending: z.array(z.tuple([z.number().int(), z.number().int()])).optional(),
    seq: z.number().int().optional(),
    deliveries: z.number().int().optional(),
  }),
  /** An event handed to a durable consumer: its deliveries so far, this one included. */
  z.object({
    t: z.literal('event-delivered'),
    name: z.string(),
    seq: z.number().int(),
    deliveries: z.number().int(),
  }),
  /** An event a durable consumer is done with: acked, terminated, or given up after its last delivery. */
  z.object({ t: z.literal('event-done'), name: z.string(), seq: z.number().int() }),
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

export const JOURNAL_FILE = 'journal.jsonl';

/**
 * An append-only file of JSON lines under the broker's `dir`.
 *
 * Each append is one synchronous write(2) of a whole line: once `append`
 * returns, the line is in the kernel's page cache and survives the process
 * crashing or being killed. It does not fsync: a power cut or kernel panic can
 * lose the last writes (about a few seconds of them), which is the all-in-one
 * mode's trade for not paying a disk flush (milliseconds) on every dispatch,
 * event and ack. Compaction, which replaces the whole file, does fsync, since
 * a rename of an unflushed file can lose every record on a power cut.
 */
export class Journal {
  private fd: number;
  private readonly path: string;

  private constructor(
    private readonly dir: string,
    /** Records that were on disk when the journal was opened, torn last line left out. */
    readonly replayed: JournalRecord[],
  ) {
    this.path = join(dir, JOURNAL_FILE);
    this.fd = openSync(this.path, 'a');
  }

  /** Reads what the journal holds (nothing when there is no file yet) and opens it for appending. */
  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, JOURNAL_FILE);
    return new Journal(dir, existsSync(path) ? readJournal(readFileSync(path, 'utf8'), path) : []);
  }

  append(record: JournalRecord): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  /** Replaces the journal with these records: written beside it, flushed, then renamed over it. */
  rewrite(records: readonly JournalRecord[]): void {
    const temporary = `${this.path}.compacting`;
    const fd = openSync(temporary, 'w');
    try {
      // One write per ~64 KiB rather than per record: a compaction of a big queue stays one short pause.
      let chunk = '';
      for (const record of records) {
        chunk += `${JSON.stringify(record)}\n`;
        if (chunk.length >= 65_536) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      if (chunk) writeSync(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    // The rename is durable only once the directory is flushed too.
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Parses a journal's text. A last line that does not parse is what a crash
 * in the middle of a write leaves, and is dropped: the caller of that write
 * was never told it was stored. A bad line anywhere else is damage the broker
 * cannot repair by guessing, so it refuses to start.
 */
export function readJournal(text: string, path = JOURNAL_FILE): JournalRecord[] {
  const lines = text.split('\n');
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && lines[lastLine] === '') lastLine--;
  const records: JournalRecord[] = [];
  lines.forEach((line, index) => {
    if (line === '') return;
    const record = parseRecord(line);
    const last = index === lastLine;
    if (record) {
      if (record.t === 'journal' && record.v > JOURNAL_VERSION) {
        throw new Error(
          `${path} was written by a newer Mediaflow (journal format ${record.v}); this one reads ${JOURNAL_VERSION}`,
        );
      }
      records.push(record);
    } else if (!last) {
      throw new Error(
        `${path} line ${index + 1} is not a journal record; move the file away to start with empty queues`,
      );
    }
  });
  return records;
}

function parseRecord(line: string): JournalRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = JournalRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
