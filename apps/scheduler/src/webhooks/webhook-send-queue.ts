/**
 * Deliveries waiting to be sent by this process, and those being sent: at
 * most `concurrency` at once, up to `waitingLimit` more waiting in order.
 * Past that, an offer is refused and the delivery left to the reconciler
 * (its row stays due), so memory stays bounded whatever the load. A
 * delivery already here is not added twice.
 */
export class WebhookSendQueue {
  private readonly waiting = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly waitingLimit: number,
    /** Sends one delivery; what it throws goes to `onError`. */
    private readonly send: (id: string) => Promise<void>,
    private readonly onError: (id: string, error: unknown) => void,
  ) {}

  /** False when refused: the queue is full or closed. */
  offer(id: string): boolean {
    if (this.closed) return false;
    if (this.waiting.has(id) || this.running.has(id)) return true;
    if (this.running.size < this.concurrency) {
      this.start(id);
      return true;
    }
    if (this.waiting.size >= this.waitingLimit) return false;
    this.waiting.add(id);
    return true;
  }

  /** How many more deliveries an offer would take now. */
  room(): number {
    if (this.closed) return 0;
    return this.concurrency + this.waitingLimit - this.running.size - this.waiting.size;
  }

  /** Takes no more, forgets those waiting (their rows stay due), and resolves when those being sent are done. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.clear();
    await Promise.all(this.running.values());
  }

  private start(id: string): void {
    const sent = this.send(id)
      .catch((error: unknown) => this.onError(id, error))
      .finally(() => {
        this.running.delete(id);
        this.next();
      });
    this.running.set(id, sent);
  }

  private next(): void {
    if (this.closed) return;
    for (const id of this.waiting) {
      if (this.running.size >= this.concurrency) return;
      this.waiting.delete(id);
      this.start(id);
    }
  }
}
