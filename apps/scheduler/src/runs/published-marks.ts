/** One attempt whose dispatch the broker has taken. */
export interface PublishedMark {
  id: string;
  attempt: number;
}

interface Batch {
  marks: PublishedMark[];
  written: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes `published_at` for dispatches the broker has taken, as a group
 * commit: one write at a time, and the marks that come while it runs go
 * together in the next. Alone, a mark is written at once; under load, one
 * statement (and one pooled connection) marks many dispatches.
 */
export class PublishedMarks {
  private next?: Batch;
  private writing = false;

  constructor(private readonly write: (marks: readonly PublishedMark[]) => Promise<void>) {}

  /** Resolves once these marks are written, or rejects with the write's error. */
  add(marks: readonly PublishedMark[]): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    const batch = (this.next ??= newBatch());
    batch.marks.push(...marks);
    if (!this.writing) void this.flush();
    return batch.written;
  }

  private async flush(): Promise<void> {
    this.writing = true;
    for (let batch = this.next; batch; batch = this.next) {
      this.next = undefined;
      try {
        await this.write(batch.marks);
        batch.resolve();
      } catch (error) {
        batch.reject(error);
      }
    }
    this.writing = false;
  }
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const written = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { marks: [], written, resolve, reject };
}
