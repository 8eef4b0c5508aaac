import { MediaflowError } from '@mediaflow/contracts';

/** What a render stopped by `signal` rejects with: its reason, or `cancelled`. */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new MediaflowError('cancelled', 'The task was cancelled');
}

/**
 * How many render processes run at once; the others wait their turn, in
 * order, and a cancel takes one out of the line. In the worker, libuv's pool
 * (UV_THREADPOOL_SIZE, 4) bounds how many sharp calls run at once, and with
 * it their memory (a 100-megapixel picture takes gigabytes); processes of
 * their own would have no bound but the worker's slots (16) without this.
 */
export class RenderSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Resolves with the slot's release once one is free; rejects if `signal` aborts first. */
  take(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const grant = () => {
        signal.removeEventListener('abort', leave);
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.waiting.shift()?.();
        });
      };
      const leave = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(abortError(signal));
      };
      if (this.running < this.size) return grant();
      this.waiting.push(grant);
      signal.addEventListener('abort', leave, { once: true });
    });
  }
}
