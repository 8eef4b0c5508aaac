import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads the `started` and `completed` events the workers publish, with the
 * time each worker stamped on its own (`at`, Unix ms), from the in-process broker's journal
 * (`<data dir>/messaging/journal.jsonl`), which the all-in-one appends every
 * event to before the publish resolves. Over NATS the benchmark subscribes
 * instead; in one process the journal is where the same stamps can be read.
 *
 * The file is read as it grows, every 100 ms; a compaction replaces it (a new
 * inode, or a shorter file), and it is then read again from the start, events
 * already seen being known by their sequence number. An event written and
 * compacted away between two reads is missed: the summary says how many
 * tasks have a stamp.
 */
export class JournalFollower {
  /** Every `started` stamp, by task id: more than one means the task ran more than once. */
  readonly workerStarts = new Map<string, number[]>();
  /** Every `completed` stamp, by task id. */
  readonly workerEnds = new Map<string, number[]>();
  private readonly file: string;
  private readonly seen = new Set<number>();
  private inode?: number;
  private offset = 0;
  private partial = '';
  private readonly timer: NodeJS.Timeout;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'messaging', 'journal.jsonl');
    this.timer = setInterval(() => this.read(), 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.read();
  }

  private read(): void {
    let size: number;
    try {
      const stat = statSync(this.file);
      if (stat.ino !== this.inode || stat.size < this.offset) {
        this.inode = stat.ino;
        this.offset = 0;
        this.partial = '';
      }
      size = stat.size;
    } catch {
      return; // not there yet
    }
    if (size === this.offset) return;
    const fd = openSync(this.file, 'r');
    const buffer = Buffer.alloc(size - this.offset);
    try {
      readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const lines = (this.partial + buffer.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.take(line);
  }

  private take(line: string): void {
    if (!line.includes('"t":"event"')) return;
    try {
      const record = JSON.parse(line) as { t: string; seq: number; payload: string };
      if (record.t !== 'event' || this.seen.has(record.seq)) return;
      this.seen.add(record.seq);
      const event = JSON.parse(record.payload) as { type: string; task_id: string; at: number };
      const stamps = { started: this.workerStarts, completed: this.workerEnds }[event.type];
      stamps?.set(event.task_id, [...(stamps.get(event.task_id) ?? []), event.at]);
    } catch {
      // a line of another shape: nothing to read from it
    }
  }
}
