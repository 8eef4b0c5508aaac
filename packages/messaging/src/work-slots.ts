import type { TaskKind } from '@mediaflow/contracts';
import type { WorkConcurrency } from './task-transport';

/**
 * A counting semaphore with FIFO waiters: how many messages a consumer may
 * hold at once across its pull loops. Closing it wakes every waiter with
 * `false`, so that loops blocked on a slot can stop.
 */
export class WorkSlots {
  private free: number;
  private closed = false;
  private readonly waiters: Array<(granted: boolean) => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`concurrency must be a whole number ≥ 1 (got ${size})`);
    this.free = size;
  }

  /** Resolves true with a slot taken, or false once closed. */
  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A slot if one is free right now, without waiting. */
  tryAcquire(): boolean {
    if (this.closed || this.free === 0) return false;
    this.free--;
    return true;
  }

  release(): void {
    const next = this.waiters.shift();
    // Hand the slot straight to the next waiter so a new caller cannot jump the queue.
    if (next) next(true);
    else this.free = Math.min(this.size, this.free + 1);
  }

  /** Slots in use right now. */
  get used(): number {
    return this.size - this.free;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }
}

/** The slots of each kind a consumer pulls, in the order given; refuses none, or a count below one. */
export function workKinds(
  concurrency: WorkConcurrency,
): Array<{ kind: TaskKind; slots: WorkSlots }> {
  const entries = Object.entries(concurrency) as Array<[TaskKind, number]>;
  if (entries.length === 0) throw new Error('consumeWork needs at least one kind');
  return entries.map(([kind, size]) => {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`concurrency of ${kind} must be a whole number ≥ 1 (got ${size})`);
    return { kind, slots: new WorkSlots(size) };
  });
}
