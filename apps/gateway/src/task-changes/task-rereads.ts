import { ERROR_STATUS, MediaflowError } from '@mediaflow/contracts';

/**
 * Reads a followed task again: at once when woken (one read at a time; the
 * wakes that come during a read make one more read after it, not one each),
 * and `recheckMs` after the last read in case a notification was lost.
 * `reread` handles its own failures: it must not reject.
 */
export class TaskRereads {
  private reading = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly reread: () => Promise<void>,
    private readonly recheckMs: number,
  ) {
    this.schedule();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    this.reading = true;
    clearTimeout(this.timer);
    try {
      do {
        this.again = false;
        await this.reread();
      } while (this.again && !this.stopped);
    } finally {
      this.reading = false;
    }
    this.schedule();
  }

  private schedule(): void {
    if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.recheckMs);
  }
}

/** A read worth trying again (no scheduler answering for a moment); anything else is a real answer. */
export function isTransientError(error: unknown): boolean {
  return (
    error instanceof MediaflowError &&
    (ERROR_STATUS[error.code] === 503 || ERROR_STATUS[error.code] === 504)
  );
}
