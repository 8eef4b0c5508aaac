/**
 * What was started, closed in the reverse order: the gateway before the
 * workers, the workers before the messaging they use, the database last.
 * One failure to close is reported after the rest have been closed.
 */
export class ShutdownStack {
  private readonly closers: (() => Promise<void>)[] = [];
  private closing?: Promise<void>;

  push(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const failures: unknown[] = [];
      for (const close of this.closers.reverse()) {
        try {
          await close();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    })();
    return this.closing;
  }
}
