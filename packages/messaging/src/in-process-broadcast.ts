/**
 * Core NATS's fan-out inside one process: every listener gets every message
 * published while it listens, in publish order, after the publisher's turn
 * (as a subscriber over NATS would), never inside the publisher's call.
 */
export class Broadcast<T> {
  private readonly listeners = new Set<(message: T) => void>();

  publish(message: T): void {
    const listeners = [...this.listeners];
    if (listeners.length === 0) return;
    queueMicrotask(() => {
      // One that stopped listening in between is not told.
      for (const listener of listeners) if (this.listeners.has(listener)) listener(message);
    });
  }

  /** Listens until the returned function is called. */
  listen(listener: (message: T) => void): () => void {
    // Wrapped, so that the same function listening twice is two listeners.
    const own = (message: T) => listener(message);
    this.listeners.add(own);
    return () => void this.listeners.delete(own);
  }

  clear(): void {
    this.listeners.clear();
  }
}
